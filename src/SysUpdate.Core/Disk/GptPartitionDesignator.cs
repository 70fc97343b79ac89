namespace SysUpdate.Core.Disk;

/// <summary>What a well-known GPT partition type is for (the Discoverable Partitions Specification's roles).</summary>
internal enum GptPartitionDesignator
{
    None,
    Root,
    RootVerity,
    RootVeritySig,
    Usr,
    UsrVerity,
    UsrVeritySig,
    Esp,
    XBootLdr,
    Swap,
    Home,
    Srv,
    Var,
    Tmp,
    UserHome,
    LinuxGeneric,
}
