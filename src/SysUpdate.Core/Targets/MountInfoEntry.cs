using System.Text;

namespace SysUpdate.Core.Targets;

/// <summary>The fields of one <c>/proc/self/mountinfo</c> line that <see cref="BlockDeviceLocator"/> uses.</summary>
/// <param name="DeviceNumber"><c>MAJ:MIN</c> of the mounted device (major 0: not a block device).</param>
internal sealed record MountInfoEntry(string DeviceNumber, string MountPoint, string FileSystemType, string Source)
{
    /// <summary>Parses a line; null when it does not have the mountinfo shape.</summary>
    public static MountInfoEntry? Parse(string line)
    {
        string[] fields = line.Split(' ');
        int separator = fields.Length > 6 ? Array.IndexOf(fields, "-", 6) : -1;
        if (separator < 0 || separator + 2 >= fields.Length)
            return null;
        return new MountInfoEntry(fields[2], Unescape(fields[4]), fields[separator + 1], Unescape(fields[separator + 2]));
    }

    /// <summary>The kernel writes space, tab, newline and backslash in paths as <c>\ooo</c> (octal); all ASCII.</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
            return field;
        var text = new StringBuilder(field.Length);
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && IsOctal(field[i + 1]) && IsOctal(field[i + 2]) && IsOctal(field[i + 3]))
            {
                text.Append((char)(((field[i + 1] - '0') << 6) | ((field[i + 2] - '0') << 3) | (field[i + 3] - '0')));
                i += 3;
            }
            else
            {
                text.Append(field[i]);
            }
        }
        return text.ToString();
    }

    private static bool IsOctal(char c) => c is >= '0' and <= '7';
}
