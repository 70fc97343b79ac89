namespace SysUpdate.Core.Tests.Disk;

internal sealed record SfdiskTable(Guid Id, int SectorSize, ulong FirstLba, ulong LastLba, IReadOnlyList<SfdiskPartition> Partitions);
