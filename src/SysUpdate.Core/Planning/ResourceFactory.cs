using SysUpdate.Core.Config;
using SysUpdate.Core.Sources;
using SysUpdate.Core.Targets;

namespace SysUpdate.Core.Planning;

/// <summary>Builds the source and target objects for a transfer's resource types.</summary>
internal sealed class ResourceFactory(SysUpdateOptions options, ResourcePathResolver resolver, UrlSourceServices urls, Action<string> warn,
    Action<string>? info = null)
{
    public ISourceResource CreateSource(Transfer transfer) => transfer.Source.Type switch
    {
        ResourceType.RegularFile or ResourceType.Tar or ResourceType.Directory or ResourceType.Subvolume =>
            new LocalSource(transfer.Source, resolver.Resolve(transfer, transfer.Source)),
        ResourceType.UrlFile or ResourceType.UrlTar =>
            new UrlSource(transfer, urls.Manifests, urls.Transport, urls.ShouldVerify(transfer), urls.TrustPolicy(transfer), urls.MirrorPreference, warn),
        _ => throw new SysUpdateException(
            $"{transfer.DefinitionPath}: source Type={transfer.Source.Type.ToConfigString()} is not supported by this build") { Errno = Errno.EOPNOTSUPP },
    };

    public ITargetResource CreateTarget(Transfer transfer) => transfer.Target.Type switch
    {
        ResourceType.RegularFile or ResourceType.Directory or ResourceType.Subvolume =>
            new FileSystemTarget(transfer, resolver.Resolve(transfer, transfer.Target), options.Sync, info),
        ResourceType.Partition => PartitionTarget.Create(transfer, options, resolver, warn, info),
        _ => throw new SysUpdateException(
            $"{transfer.DefinitionPath}: target Type={transfer.Target.Type.ToConfigString()} is not supported by this build") { Errno = Errno.EOPNOTSUPP },
    };
}
