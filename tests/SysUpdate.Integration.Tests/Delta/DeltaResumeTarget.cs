namespace SysUpdate.Integration.Tests.Delta;

/// <summary>Where a <see cref="DeltaResumeRoot"/>'s transfer installs the image.</summary>
public enum DeltaResumeTarget
{
    /// <summary><c>Type=regular-file</c>: <c>/var/lib/images/usr_@v.raw</c>.</summary>
    File,

    /// <summary><c>Type=partition</c>: the A/B usr slots of the GPT image file <c>/disk.img</c>.</summary>
    Partition,
}
