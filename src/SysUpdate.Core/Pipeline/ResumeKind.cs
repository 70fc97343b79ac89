namespace SysUpdate.Core.Pipeline;

/// <summary>What the bytes an interrupted download left are (see <see cref="ResumeState"/>).</summary>
internal enum ResumeKind
{
    /// <summary>A prefix of the published file, continued with Range/If-Range.</summary>
    Raw,

    /// <summary>A delta download's image, written front to back; its chunks are found in place by their IDs.</summary>
    Delta,
}
