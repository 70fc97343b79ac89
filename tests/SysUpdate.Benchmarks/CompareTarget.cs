namespace SysUpdate.Benchmarks;

/// <summary>Where a comparison case installs the image: a regular file in a directory, or a partition (A/B slots of
/// a GPT image file attached as a loop device).</summary>
internal enum CompareTarget
{
    File,
    Partition,
}
