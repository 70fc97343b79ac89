namespace SysUpdate.Integration.Tests.Partitions;

/// <summary>One published version: the bytes of its usr image and its verity image, as they must land in the slots.</summary>
internal sealed record Release(string Version, byte[] Usr, byte[] Verity)
{
    public string UsrLabel => $"usr_{Version}";

    public string VerityLabel => $"usr_{Version}_verity";
}
