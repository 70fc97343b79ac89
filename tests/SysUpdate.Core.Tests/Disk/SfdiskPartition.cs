namespace SysUpdate.Core.Tests.Disk;

internal sealed record SfdiskPartition(string Node, ulong Start, ulong Size, Guid Type, Guid Uuid, string Name, ulong Attributes);
