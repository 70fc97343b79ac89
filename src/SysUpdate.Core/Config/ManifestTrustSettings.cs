using System.Globalization;
using SysUpdate.Core.Manifests.Trust;

namespace SysUpdate.Core.Config;

/// <summary>
/// <c>SignatureScheme=</c> and <c>SignatureThreshold=</c> (ours), read in a transfer's <c>[Transfer]</c> section and,
/// as defaults for every transfer, in <c>[Transfer]</c> of <c>sysupdate.conf</c>; a transfer's own setting wins,
/// each key separately. Unset everywhere: <see cref="ManifestTrustPolicy.Default"/>, systemd's behaviour.
/// </summary>
internal static class ManifestTrustSettings
{
    public const string Section = "Transfer";
    public const string SchemeKey = "SignatureScheme";
    public const string ThresholdKey = "SignatureThreshold";

    /// <summary>Appends the scheme names of one <c>SignatureScheme=</c> line (space-separated); empty resets the list.</summary>
    public static void ParseSchemes(UnitFileEntry e, List<string> schemes)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(schemes);
        if (e.Value.Length == 0)
        {
            schemes.Clear();
            return;
        }
        if (!ConfigValues.TrySplitWords(e.Value, out var words))
            throw new ConfigSyntaxException(e.Location, $"Failed to split {SchemeKey}= into words", e.Value);
        foreach (string word in words)
        {
            if (!ManifestTrustPolicy.KnownSchemes.Contains(word))
                throw new ConfigSyntaxException(e.Location, $"{SchemeKey}= must list {string.Join(", ", ManifestTrustPolicy.KnownSchemes)}", word);
            if (!schemes.Contains(word))
                schemes.Add(word);
        }
    }

    /// <summary><c>SignatureThreshold=</c>: how many distinct trusted keys must have signed, at least 1; empty resets it.</summary>
    public static int? ParseThreshold(UnitFileEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Value.Length == 0)
            return null;
        return int.TryParse(e.Value, NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k is >= 1 and <= 64
            ? k
            : throw new ConfigSyntaxException(e.Location, $"{ThresholdKey}= must be a number of keys from 1 to 64", e.Value);
    }

    /// <summary>The policy for <paramref name="transfer"/>: its own keys, else <paramref name="conf"/>'s, else the default.</summary>
    /// <exception cref="ConfigSyntaxException">A bad value in <c>sysupdate.conf</c>.</exception>
    public static ManifestTrustPolicy Resolve(Transfer transfer, SysUpdateConf conf)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        ArgumentNullException.ThrowIfNull(conf);
        IReadOnlyList<string> schemes = transfer.SignatureSchemes;
        if (schemes.Count == 0)
        {
            var fromConf = new List<string>();
            foreach (UnitFileEntry e in conf.GetAll(Section, SchemeKey))
                ParseSchemes(e, fromConf);
            schemes = fromConf.Count > 0 ? fromConf : ManifestTrustPolicy.Default.Schemes;
        }
        int threshold = transfer.SignatureThreshold
            ?? (conf.Get(Section, ThresholdKey) is { } entry ? ParseThreshold(entry) : null)
            ?? ManifestTrustPolicy.Default.Threshold;
        var policy = new ManifestTrustPolicy(schemes, threshold);
        return policy.Equals(ManifestTrustPolicy.Default) ? ManifestTrustPolicy.Default : policy;
    }
}
