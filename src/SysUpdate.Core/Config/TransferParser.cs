using SysUpdate.Core.Disk;
using SysUpdate.Core.Versions;

namespace SysUpdate.Core.Config;

/// <summary>
/// Turns the entries of a <c>.transfer</c> file and its drop-ins into a validated <see cref="Transfer"/>.
/// Keys are dispatched through a (section, key) table; every refusal names file:line.
/// </summary>
internal sealed class TransferParser
{
    private const int PathMax = 4095;
    private const int NameMax = 255;
    private const ulong DefaultFileInstancesMax = 3;

    private static readonly Dictionary<(string Section, string Key), Action<TransferParser, UnitFileEntry>> Keys = new()
    {
        [("Transfer", "MinVersion")] = (p, e) => (p._minVersion, p._minVersionLocation) = (p.ParseVersionBound(e), e.Location),
        [("Transfer", "MaxVersion")] = (p, e) => (p._maxVersion, p._maxVersionLocation) = (p.ParseVersionBound(e), e.Location),
        [("Transfer", "ProtectVersion")] = (p, e) => p.ParseProtectVersion(e),
        [("Transfer", "Verify")] = (p, e) => p._verify = ParseTristate(e),
        [("Transfer", "ChangeLog")] = (p, e) => p.ParseUrls(e, p._changeLog),
        [("Transfer", "AppStream")] = (p, e) => p.ParseUrls(e, p._appStream),
        [("Transfer", "Features")] = (p, e) => ParseWordList(e, p._features),
        [("Transfer", "RequisiteFeatures")] = (p, e) => ParseWordList(e, p._requisiteFeatures),
        [("Transfer", ManifestTrustSettings.SchemeKey)] = (p, e) => ManifestTrustSettings.ParseSchemes(e, p._signatureSchemes),
        [("Transfer", ManifestTrustSettings.ThresholdKey)] = (p, e) => p._signatureThreshold = ManifestTrustSettings.ParseThreshold(e),
        [("Source", "Type")] = (p, e) => (p._source.Type, p._source.TypeLocation) = (ParseType(e, "Source"), e.Location),
        [("Source", "Path")] = (p, e) => p.ParsePath(e, p._source),
        [("Source", "PathRelativeTo")] = (p, e) => (p._source.RelativeTo, p._source.RelativeToLocation) = (ParseRelativeTo(e), e.Location),
        [("Source", "MatchPattern")] = (p, e) => p.ParsePatterns(e, p._source, isSource: true),
        [("Source", "ChunkStore")] = (p, e) => p.ParseChunkStore(e),
        [("Source", "DeltaMaxFetch")] = (p, e) => p._deltaMaxFetch = ParseDeltaMaxFetch(e),
        [("Source", "RateLimit")] = (p, e) => p._rateLimit = ParseRateLimit(e),
        [("Source", "Mirror")] = (p, e) => p.ParseMirror(e),
        [("Target", "Type")] = (p, e) => (p._target.Type, p._target.TypeLocation) = (ParseType(e, "Target"), e.Location),
        [("Target", "Path")] = (p, e) => p.ParsePath(e, p._target),
        [("Target", "PathRelativeTo")] = (p, e) => (p._target.RelativeTo, p._target.RelativeToLocation) = (ParseRelativeTo(e), e.Location),
        [("Target", "MatchPattern")] = (p, e) => p.ParsePatterns(e, p._target, isSource: false),
        [("Target", "MatchPartitionType")] = (p, e) => p._partitionType = ParsePartitionType(e),
        [("Target", "PartitionUUID")] = (p, e) => p._partitionUuid = ParseUuid(e),
        [("Target", "PartitionFlags")] = (p, e) => p._partitionFlags = ParseHex(e),
        [("Target", "PartitionNoAuto")] = (p, e) => p._noAuto = ParseTristate(e),
        [("Target", "PartitionGrowFileSystem")] = (p, e) => p._growFs = ParseTristate(e),
        [("Target", "PartitionZeroFill")] = (p, e) => p._zeroFill = ParseTristate(e),
        [("Target", "ReadOnly")] = (p, e) => p._readOnly = ParseTristate(e),
        [("Target", "Mode")] = (p, e) => p._mode = ParseMode(e),
        [("Target", "TriesLeft")] = (p, e) => p._triesLeft = ParseUInt64(e),
        [("Target", "TriesDone")] = (p, e) => p._triesDone = ParseUInt64(e),
        [("Target", "InstancesMax")] = (p, e) => p.ParseInstancesMax(e),
        [("Target", "RemoveTemporary")] = (p, e) => p._removeTemporary = ParseTristate(e),
        [("Target", "CurrentSymlink")] = (p, e) => p.ParseCurrentSymlink(e),
    };

    private static readonly HashSet<string> Sections = ["Transfer", "Source", "Target"];

    private readonly SpecifierExpander _specifiers;
    private readonly ICollection<ConfigDiagnostic> _diagnostics;
    private readonly ResourceBuilder _source = new();
    private readonly ResourceBuilder _target = new();
    private readonly List<string> _protectVersions = [];
    private readonly List<string> _changeLog = [];
    private readonly List<string> _appStream = [];
    private readonly List<string> _features = [];
    private readonly List<string> _requisiteFeatures = [];
    private readonly List<string> _signatureSchemes = [];
    private int? _signatureThreshold;
    private string? _minVersion;
    private SourceLocation? _minVersionLocation;
    private string? _maxVersion;
    private SourceLocation? _maxVersionLocation;
    private bool? _verify;
    private Guid? _partitionType;
    private Guid? _partitionUuid;
    private ulong? _partitionFlags;
    private bool? _noAuto;
    private bool? _growFs;
    private bool? _zeroFill;
    private bool? _readOnly;
    private uint? _mode;
    private ulong? _triesLeft;
    private ulong? _triesDone;
    private ulong _instancesMax;
    private bool? _removeTemporary;
    private string? _currentSymlink;
    private SourceLocation? _currentSymlinkLocation;
    private string? _chunkStore;
    private int? _deltaMaxFetch;
    private long? _rateLimit;
    private SourceLocation? _chunkStoreLocation;
    private readonly List<string> _mirrors = [];
    private SourceLocation? _mirrorLocation;

    private TransferParser(SpecifierExpander specifiers, ICollection<ConfigDiagnostic> diagnostics)
    {
        _specifiers = specifiers;
        _diagnostics = diagnostics;
    }

    /// <summary>Parses <paramref name="files"/> (the main file first, then its drop-ins in order).</summary>
    public static Transfer Parse(
        string id,
        IReadOnlyList<string> files,
        SpecifierExpander specifiers,
        ICollection<ConfigDiagnostic> diagnostics,
        bool haveTransferSource)
    {
        var parser = new TransferParser(specifiers, diagnostics);
        foreach (var file in files)
        {
            foreach (var entry in UnitFileParser.Parse(file, DefinitionFile.ReadText(file), diagnostics))
            {
                if (Keys.TryGetValue((entry.Section, entry.Key), out var handler))
                    handler(parser, entry);
                else if (!Sections.Contains(entry.Section))
                {
                    if (!entry.Section.StartsWith("X-", StringComparison.Ordinal))
                        diagnostics.Add(new ConfigDiagnostic(entry.Location, $"Unknown section '{entry.Section}', ignoring."));
                }
                else
                    diagnostics.Add(new ConfigDiagnostic(entry.Location, $"Unknown key '{entry.Key}' in section [{entry.Section}], ignoring."));
            }
        }
        return parser.Finalize(id, files[0], haveTransferSource);
    }

    private Transfer Finalize(string id, string path, bool haveTransferSource)
    {
        var origin = new SourceLocation(path, 1);
        VersionBoundSetting.RequireOrdered(_minVersion, _minVersionLocation, _maxVersion, _maxVersionLocation);
        if (_source.Type is not { } sourceType || !sourceType.IsSource())
            throw new ConfigSyntaxException(_source.TypeLocation ?? origin,
                "Source Type= must be one of url-file, url-tar, tar, regular-file, directory, subvolume");

        var targetType = _target.Type ?? sourceType switch
        {
            ResourceType.UrlFile or ResourceType.RegularFile =>
                _target.Path is not null && _target.Path.StartsWith("/dev/", StringComparison.Ordinal) ? ResourceType.Partition : ResourceType.RegularFile,
            ResourceType.Subvolume => ResourceType.Subvolume,
            _ => ResourceType.Directory,
        };
        if (!targetType.IsTarget())
            throw new ConfigSyntaxException(_target.TypeLocation ?? origin,
                "Target Type= must be one of partition, regular-file, directory, subvolume");

        bool fileLike = sourceType is ResourceType.UrlFile or ResourceType.RegularFile;
        if (fileLike != (targetType is ResourceType.Partition or ResourceType.RegularFile))
            throw new ConfigSyntaxException(_target.TypeLocation ?? _source.TypeLocation ?? origin,
                $"Target type '{targetType.ToConfigString()}' is incompatible with source type '{sourceType.ToConfigString()}', refusing");

        if (_source.Path is null && !_source.PathAuto)
            throw new ConfigSyntaxException(origin, "Source specification lacks Path=");
        if (_source.PathAuto)
            throw new ConfigSyntaxException(_source.PathLocation ?? origin, "Source Path=auto is only supported for partition targets", "auto");
        if (_source.RelativeTo == PathRelativeTo.Explicit && !haveTransferSource)
            throw new ConfigSyntaxException(_source.RelativeToLocation ?? origin, "PathRelativeTo=explicit requires --transfer-source= to be specified");
        if (_target.RelativeTo == PathRelativeTo.Explicit)
            throw new ConfigSyntaxException(_target.RelativeToLocation ?? origin, "PathRelativeTo=explicit can only be used in source specifications");
        if (_source.RelativeTo is PathRelativeTo.Esp or PathRelativeTo.Xbootldr or PathRelativeTo.Boot
            && sourceType is not (ResourceType.RegularFile or ResourceType.Directory))
            throw new ConfigSyntaxException(_source.RelativeToLocation ?? origin,
                $"PathRelativeTo={_source.RelativeTo.ToConfigString()} is only supported for regular-file and directory resources");
        if (_target.RelativeTo is PathRelativeTo.Esp or PathRelativeTo.Xbootldr or PathRelativeTo.Boot
            && targetType is not (ResourceType.RegularFile or ResourceType.Directory))
            throw new ConfigSyntaxException(_target.RelativeToLocation ?? origin,
                $"PathRelativeTo={_target.RelativeTo.ToConfigString()} is only supported for regular-file and directory resources");

        string sourcePath = _source.Path!;
        if (sourceType.IsUrl())
        {
            if (!IsSupportedUrl(sourcePath))
                throw new ConfigSyntaxException(_source.PathLocation ?? origin, "Source path is not a valid HTTP, HTTPS or file URL", sourcePath);
        }
        else if (!ConfigValues.IsNormalizedAbsolutePath(sourcePath))
            throw new ConfigSyntaxException(_source.PathLocation ?? origin, "Source path is not a normalized, absolute path", sourcePath);

        if (_source.Patterns.Count == 0)
            throw new ConfigSyntaxException(_source.PatternLocation ?? origin, "Source specification lacks MatchPattern=");
        if (_mirrors.Count > 0 && !sourceType.IsUrl())
            throw new ConfigSyntaxException(_mirrorLocation ?? origin, "Mirror= is only supported for url-file and url-tar sources", _mirrors[0]);
        if (_chunkStore is not null && sourceType != ResourceType.UrlFile)
            throw new ConfigSyntaxException(_chunkStoreLocation ?? origin, "ChunkStore= is only supported for url-file sources", _chunkStore);
        if (sourceType.HoldsDirectories() && _source.Patterns.Any(p => p.HasGlobPrefix))
            throw new ConfigSyntaxException(_source.PatternLocation ?? origin,
                "MatchPattern= with '**/' prefix is not supported for source Type=directory and Type=subvolume, refusing");

        if (_target.Path is null && !_target.PathAuto)
            throw new ConfigSyntaxException(origin, "Target specification lacks Path=");
        if (_target.PathAuto && targetType != ResourceType.Partition)
            throw new ConfigSyntaxException(_target.PathLocation ?? origin, "Target Path=auto is only supported for partition targets", "auto");
        if (_target.Path is not null && !ConfigValues.IsNormalizedAbsolutePath(_target.Path))
            throw new ConfigSyntaxException(_target.PathLocation ?? origin, "Target path is not a normalized, absolute path", _target.Path);

        IReadOnlyList<MatchPattern> targetPatterns = _target.Patterns.Count > 0
            ? _target.Patterns
            : _source.Patterns.Select(p => p.HasGlobPrefix ? p.WithoutGlobPrefix() : p).DistinctBy(p => p.Text).ToList();

        if (_currentSymlink is not null && targetType == ResourceType.Partition && !_currentSymlink.StartsWith('/'))
            throw new ConfigSyntaxException(_currentSymlinkLocation ?? origin, "Current symlink must be absolute path if target is partition", _currentSymlink);

        ulong instancesMax = _instancesMax != 0 ? _instancesMax
            : targetType == ResourceType.Partition ? ulong.MaxValue : DefaultFileInstancesMax;

        return new Transfer
        {
            Id = id,
            DefinitionPath = path,
            Source = new Resource
            {
                Type = sourceType,
                Path = sourcePath,
                PathRelativeTo = _source.RelativeTo,
                Patterns = _source.Patterns,
                ChunkStore = _chunkStore,
                DeltaMaxFetchPercent = _deltaMaxFetch,
                RateLimit = _rateLimit,
                Mirrors = _mirrors.Where(m => m.TrimEnd('/') != sourcePath.TrimEnd('/')).ToList(),
            },
            Target = new Resource
            {
                Type = targetType,
                Path = _target.Path,
                PathAuto = _target.PathAuto,
                PathRelativeTo = _target.RelativeTo,
                Patterns = targetPatterns,
                PartitionType = targetType == ResourceType.Partition ? _partitionType ?? GptPartitionTypes.LinuxGeneric : null,
            },
            MinVersion = _minVersion,
            MaxVersion = _maxVersion,
            ProtectVersions = _protectVersions.ToList(),
            Verify = _verify,
            ChangeLog = _changeLog.ToList(),
            AppStream = _appStream.ToList(),
            Features = _features.ToList(),
            RequisiteFeatures = _requisiteFeatures.ToList(),
            SignatureSchemes = _signatureSchemes.ToList(),
            SignatureThreshold = _signatureThreshold,
            PartitionUuid = _partitionUuid,
            PartitionFlags = _partitionFlags,
            PartitionNoAuto = _noAuto,
            PartitionGrowFileSystem = _growFs,
            PartitionZeroFill = _zeroFill,
            ReadOnly = _readOnly,
            Mode = _mode,
            TriesLeft = _triesLeft,
            TriesDone = _triesDone,
            InstancesMax = instancesMax,
            RemoveTemporary = _removeTemporary ?? true,
            CurrentSymlink = _currentSymlink,
        };
    }

    internal static bool IsSupportedUrl(string url)
    {
        foreach (var scheme in new[] { "http://", "https://", "file://" })
        {
            if (url.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) && url.Length > scheme.Length
                && !url.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
                return scheme != "file://" || url[scheme.Length] == '/';
        }
        return false;
    }

    private string Expand(UnitFileEntry e, string text, int maxLength) =>
        _specifiers.TryExpand(text, maxLength, out var error)
        ?? throw new ConfigSyntaxException(e.Location, $"Failed to expand specifiers in {e.Key}= ({error})", e.Value);

    private string? ParseVersionBound(UnitFileEntry e)
    {
        if (e.Value.Length == 0)
            return null;
        var v = Expand(e, e.Value, NameMax);
        if (!VersionString.IsValid(v))
            throw new ConfigSyntaxException(e.Location, $"{e.Key}= is not a valid version", v);
        return v;
    }

    private void ParseProtectVersion(UnitFileEntry e)
    {
        if (e.Value.Length == 0)
        {
            _protectVersions.Clear();
            return;
        }
        if (!ConfigValues.TrySplitWords(e.Value, out var words))
            throw new ConfigSyntaxException(e.Location, "Failed to split ProtectVersion= into words", e.Value);
        foreach (var word in words)
        {
            var v = Expand(e, word, NameMax);
            // %A on a system without IMAGE_VERSION expands to nothing: nothing to protect.
            if (v.Length == 0)
                continue;
            if (!VersionString.IsValid(v))
                throw new ConfigSyntaxException(e.Location, "ProtectVersion= is not a valid version", v);
            if (!_protectVersions.Contains(v))
                _protectVersions.Add(v);
        }
    }

    private void ParseUrls(UnitFileEntry e, List<string> list) =>
        UrlSetting.Append(e, list, _specifiers, _diagnostics);

    private static void ParseWordList(UnitFileEntry e, List<string> list)
    {
        if (e.Value.Length == 0)
        {
            list.Clear();
            return;
        }
        if (!ConfigValues.TrySplitWords(e.Value, out var words))
            throw new ConfigSyntaxException(e.Location, $"Failed to split {e.Key}= into words", e.Value);
        foreach (var w in words)
        {
            if (!DefinitionFile.IsValidName(w))
                throw new ConfigSyntaxException(e.Location, $"{e.Key}= names an invalid feature", w);
            if (!list.Contains(w))
                list.Add(w);
        }
    }

    private static ResourceType ParseType(UnitFileEntry e, string section)
    {
        if (ResourceTypes.TryParse(e.Value, out var type))
            return type;
        throw new ConfigSyntaxException(e.Location, section == "Source"
            ? "Source Type= must be one of url-file, url-tar, tar, regular-file, directory, subvolume"
            : "Target Type= must be one of partition, regular-file, directory, subvolume", e.Value);
    }

    private static PathRelativeTo ParseRelativeTo(UnitFileEntry e)
    {
        if (e.Value.Length == 0)
            return PathRelativeTo.Root;
        if (PathRelativeToValues.TryParse(e.Value, out var value))
            return value;
        throw new ConfigSyntaxException(e.Location, "PathRelativeTo= must be one of root, esp, xbootldr, boot, explicit", e.Value);
    }

    private void ParsePath(UnitFileEntry e, ResourceBuilder resource)
    {
        resource.PathLocation = e.Location;
        if (e.Value.Length == 0)
            throw new ConfigSyntaxException(e.Location, "Path= must not be empty", e.Value);
        var path = Expand(e, e.Value, PathMax);
        resource.PathAuto = path == "auto";
        resource.Path = resource.PathAuto ? null : path;
    }

    /// <summary><c>ChunkStore=</c> (ours): the casync chunk store for delta downloads, when not
    /// <c>default.castr/</c> beside the manifest. Empty resets it.</summary>
    private void ParseChunkStore(UnitFileEntry e)
    {
        _chunkStoreLocation = e.Location;
        if (e.Value.Length == 0)
        {
            _chunkStore = null;
            return;
        }
        string url = Expand(e, e.Value, PathMax);
        if (!IsSupportedUrl(url))
            throw new ConfigSyntaxException(e.Location, "ChunkStore= is not a valid HTTP, HTTPS or file URL", url);
        _chunkStore = url;
    }

    /// <summary><c>Mirror=</c> (ours, repeatable): another base URL serving the same <c>SHA256SUMS</c>, its signature and
    /// files as <c>Path=</c>, tried in order after it. Empty resets the list.</summary>
    private void ParseMirror(UnitFileEntry e)
    {
        _mirrorLocation = e.Location;
        if (e.Value.Length == 0)
        {
            _mirrors.Clear();
            return;
        }
        string url = Expand(e, e.Value, PathMax);
        if (!IsSupportedUrl(url))
            throw new ConfigSyntaxException(e.Location, "Mirror= is not a valid HTTP, HTTPS or file URL", url);
        if (!_mirrors.Any(m => m.TrimEnd('/') == url.TrimEnd('/')))
            _mirrors.Add(url);
    }

    /// <summary><c>DeltaMaxFetch=</c> (ours): above this share of the image to fetch chunk by chunk, the whole image is
    /// downloaded instead. Empty resets it to the default.</summary>
    private static int? ParseDeltaMaxFetch(UnitFileEntry e)
    {
        if (e.Value.Length == 0)
            return null;
        return ConfigValues.TryParsePercent(e.Value, out int percent)
            ? percent
            : throw new ConfigSyntaxException(e.Location, "DeltaMaxFetch= must be a percentage from 0% to 100%", e.Value);
    }

    /// <summary><c>RateLimit=</c> (ours): bytes per second for downloads, with systemd's size suffixes
    /// (<c>16M</c>); 0 is unlimited, empty resets it.</summary>
    private static long? ParseRateLimit(UnitFileEntry e)
    {
        if (e.Value.Length == 0)
            return null;
        return ConfigValues.TryParseSize(e.Value, out long bytesPerSecond)
            ? bytesPerSecond
            : throw new ConfigSyntaxException(e.Location, "RateLimit= must be bytes per second, with an optional K, M or G suffix (e.g. 16M), or 0 for unlimited", e.Value);
    }

    private void ParsePatterns(UnitFileEntry e, ResourceBuilder resource, bool isSource)
    {
        resource.PatternLocation = e.Location;
        if (e.Value.Length == 0)
        {
            resource.Patterns.Clear();
            return;
        }
        if (!ConfigValues.TrySplitWords(e.Value, out var words))
            throw new ConfigSyntaxException(e.Location, "Failed to split MatchPattern= into words", e.Value);
        foreach (var word in words)
        {
            var text = Expand(e, word, NameMax);
            MatchPattern pattern;
            try
            {
                pattern = MatchPattern.Parse(text);
            }
            catch (PatternSyntaxException ex)
            {
                throw new ConfigSyntaxException(e.Location, $"MatchPattern= string is not valid ({ex.Problem})", text);
            }
            if (pattern.HasGlobPrefix && !isSource)
                throw new ConfigSyntaxException(e.Location, "'**/' prefix is only supported in a source MatchPattern=, refusing", text);
            if (!resource.Patterns.Any(p => p.Text == pattern.Text))
                resource.Patterns.Add(pattern);
        }
    }

    private static Guid? ParsePartitionType(UnitFileEntry e)
    {
        if (e.Value.Length == 0)
            return null;
        if (GptPartitionTypes.TryResolve(e.Value, out var type))
            return type;
        throw new ConfigSyntaxException(e.Location, "MatchPartitionType= is neither a UUID nor a known partition type name", e.Value);
    }

    private static Guid? ParseUuid(UnitFileEntry e)
    {
        if (e.Value.Length == 0)
            return null;
        if (ConfigValues.TryParseUuid(e.Value, out var uuid))
            return uuid;
        throw new ConfigSyntaxException(e.Location, "Failed to parse partition UUID", e.Value);
    }

    private static ulong? ParseHex(UnitFileEntry e)
    {
        if (e.Value.Length == 0)
            return null;
        if (ConfigValues.TryParseHexUInt64(e.Value, out var value))
            return value;
        throw new ConfigSyntaxException(e.Location, "Failed to parse partition flags (expected a hexadecimal number)", e.Value);
    }

    private static bool? ParseTristate(UnitFileEntry e)
    {
        if (e.Value.Length == 0)
            return null;
        if (ConfigValues.TryParseBoolean(e.Value, out var value))
            return value;
        throw new ConfigSyntaxException(e.Location, $"Failed to parse {e.Key}= as a boolean", e.Value);
    }

    private static uint? ParseMode(UnitFileEntry e)
    {
        if (e.Value.Length == 0)
            return null;
        if (ConfigValues.TryParseMode(e.Value, out var mode))
            return mode;
        throw new ConfigSyntaxException(e.Location, "Failed to parse Mode= as an octal access mode", e.Value);
    }

    private static ulong? ParseUInt64(UnitFileEntry e)
    {
        if (e.Value.Length == 0)
            return null;
        if (ConfigValues.TryParseUInt64(e.Value, out var value))
            return value;
        throw new ConfigSyntaxException(e.Location, $"Failed to parse {e.Key}= as an unsigned integer", e.Value);
    }

    private void ParseInstancesMax(UnitFileEntry e)
    {
        if (e.Value.Length == 0)
        {
            _instancesMax = 0;
            return;
        }
        if (!ConfigValues.TryParseUInt64(e.Value, out var value))
            throw new ConfigSyntaxException(e.Location, "Failed to parse InstancesMax= value", e.Value);
        if (value == 1)
        {
            _diagnostics.Add(new ConfigDiagnostic(e.Location, "InstancesMax= value must be at least 2, bumping: 1"));
            value = 2;
        }
        _instancesMax = value;
    }

    private void ParseCurrentSymlink(UnitFileEntry e)
    {
        _currentSymlinkLocation = e.Location;
        if (e.Value.Length == 0)
        {
            _currentSymlink = null;
            return;
        }
        var path = ConfigValues.SimplifyPath(Expand(e, e.Value, PathMax));
        if (path.Split('/').Contains(".."))
        {
            // Upstream (path_simplify_and_warn) ignores such a value with a warning; like every value we
            // cannot act on as written, it is an error here: a ".." could lead out of the target directory or the root.
            throw new ConfigSyntaxException(e.Location, "CurrentSymlink= must not contain '..' (it could point outside the target directory or --root), refusing", path);
        }
        _currentSymlink = path;
    }

    private sealed class ResourceBuilder
    {
        public ResourceType? Type { get; set; }

        public SourceLocation? TypeLocation { get; set; }
        public string? Path { get; set; }
        public bool PathAuto { get; set; }
        public SourceLocation? PathLocation { get; set; }
        public PathRelativeTo RelativeTo { get; set; }
        public SourceLocation? RelativeToLocation { get; set; }
        public List<MatchPattern> Patterns { get; } = [];
        public SourceLocation? PatternLocation { get; set; }
    }
}
