using SysUpdate.Integration.Tests.Support;

namespace SysUpdate.Integration.Tests.Delta;

/// <summary>
/// The one 96 MiB <see cref="DeltaRelease"/> the resume tests of a class share, built (with casync) by the first test
/// that asks for it, so a class whose tests are all skipped for want of casync builds nothing. The tests only read it.
/// </summary>
public sealed class DeltaResumeRelease : IDisposable
{
    private const long MiB = 1024 * 1024;
    private readonly TempDirectory _tmp = new("sysupdate-delta-resume-release-");
    private readonly Lazy<Task<DeltaRelease>> _release;

    public DeltaResumeRelease()
    {
        _release = new(() => DeltaRelease.BuildAsync(_tmp.Path, new DeltaReleaseOptions { ImageSize = 96 * MiB }));
    }

    internal Task<DeltaRelease> GetAsync() => _release.Value;

    public void Dispose() => _tmp.Dispose();
}
