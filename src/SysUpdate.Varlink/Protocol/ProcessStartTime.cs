using System.Globalization;

namespace SysUpdate.Varlink.Protocol;

/// <summary>
/// A process's start time in clock ticks since boot: field 22 of <c>/proc/PID/stat</c>, what polkit
/// compares to tell a process from a later one with the same pid.
/// </summary>
internal static class ProcessStartTime
{
    // Fields are counted from 1; field 2 (comm) ends at the last ')' and field 3 (state) follows it.
    private const int StartTimeField = 22;
    private const int FirstFieldAfterComm = 3;

    /// <summary>Reads the start time of <paramref name="processId"/>; <see langword="null"/> when the
    /// process is gone or its /proc entry is hidden from us.</summary>
    public static ulong? TryRead(int processId)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return TryParse(stat);
    }

    /// <summary>Field 22 of a <c>/proc/PID/stat</c> line. The command name may hold spaces and
    /// parentheses, so the fields are counted from after its last ')'.</summary>
    public static ulong? TryParse(ReadOnlySpan<char> stat)
    {
        int commEnd = stat.LastIndexOf(')');
        if (commEnd < 0)
            return null;

        var rest = stat[(commEnd + 1)..];
        int field = FirstFieldAfterComm;
        foreach (var range in rest.Split(' '))
        {
            var token = rest[range];
            if (token.IsEmpty)
                continue;
            if (field == StartTimeField)
                return ulong.TryParse(token.TrimEnd('\n'), NumberStyles.None, CultureInfo.InvariantCulture, out ulong ticks) ? ticks : null;
            field++;
        }

        return null;
    }
}
