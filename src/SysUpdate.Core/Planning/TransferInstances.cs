using SysUpdate.Core.Config;
using SysUpdate.Core.Instances;

namespace SysUpdate.Core.Planning;

/// <summary>A transfer with the instances found in its source and its target, each newest first.</summary>
internal sealed record TransferInstances(Transfer Transfer, IReadOnlyList<Instance> Sources, IReadOnlyList<Instance> Targets);
