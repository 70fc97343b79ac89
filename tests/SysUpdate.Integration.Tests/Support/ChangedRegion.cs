namespace SysUpdate.Integration.Tests.Support;

/// <summary>A run of bytes that differs between the v1 and v2 images of a <see cref="DeltaImages"/> pair.</summary>
internal readonly record struct ChangedRegion(long Offset, long Length)
{
    public long End => Offset + Length;
}
