using SysUpdate.Core.Config;
using SysUpdate.Core.Targets;

namespace SysUpdate.Core.Planning;

/// <summary>
/// Run by <c>update</c> and <c>vacuum</c>: for each file-system transfer with <c>CurrentSymlink=</c>,
/// removes stale temporary links and repoints the symlink at the newest installed instance when a run
/// was killed between installing and switching it, or a vacuum removed what it pointed at.
/// </summary>
internal static class CurrentSymlinkRepair
{
    public static void Run(UpdateContext context)
    {
        foreach (var transfer in context.Transfers)
        {
            if (transfer.Definition.CurrentSymlink is not { } symlink || !transfer.Definition.Target.Type.IsFileSystem())
                continue;
            var installed = transfer.TargetInstances.Where(i => !i.IsPartial && !i.IsPending).Select(i => i.Path).ToList();
            if (CurrentSymlink.Repair(symlink, transfer.Target.Location, context.Options.Root, installed) is { } repaired)
                context.Logger.UpdatedSymlink(repaired.LinkPath, repaired.LinkTarget);
        }
    }
}
