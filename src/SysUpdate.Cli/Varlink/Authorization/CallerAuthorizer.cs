using System.Text.Json;
using Microsoft.Extensions.Logging;
using SysUpdate.Core;
using SysUpdate.Varlink;
using SysUpdate.Varlink.Server;

namespace SysUpdate.Cli.Varlink.Authorization;

/// <summary>
/// Decides whether a Varlink caller may do a polkit action: root may do everything; anyone else is
/// asked about by polkit, as the calling process (<see cref="PolkitSubject"/>). A caller polkit
/// would let through after authenticating gets <c>io.systemd.InteractiveAuthenticationRequired</c>
/// unless the call set <c>allowInteractiveAuthentication</c>; any other refusal, and every caller
/// but root when polkit cannot be asked, gets <c>org.varlink.service.PermissionDenied</c>.
/// </summary>
internal sealed class CallerAuthorizer(PolkitAuthority polkit, ILogger logger)
{
    /// <exception cref="VarlinkErrorException">The caller is not authorized.</exception>
    public async Task AuthorizeAsync(VarlinkCall call, string action, IReadOnlyDictionary<string, string> details, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (call.Peer is not { } peer)
            throw VarlinkErrorException.PermissionDenied();
        if (peer.UserId == 0)
            return;

        if (PolkitSubject.TryFromPeer(peer, call.PeerProcess) is not { } subject)
        {
            SysUpdateLog.Warning(logger, $"{call.Method}: denied uid {peer.UserId}: its process {peer.ProcessId} is gone or cannot be identified for polkit");
            throw VarlinkErrorException.PermissionDenied();
        }

        bool interactive = call.Parameters.TryGetProperty("allowInteractiveAuthentication", out var value) && value.ValueKind == JsonValueKind.True;
        PolkitResult result;
        try
        {
            result = await polkit.CheckAuthorizationAsync(subject, action, details, interactive, cancellationToken).ConfigureAwait(false);
        }
        catch (PolkitUnavailableException e)
        {
            SysUpdateLog.Warning(logger, $"{call.Method}: denied uid {peer.UserId} ({action}): {e.Message}; without polkit only root may do this");
            throw VarlinkErrorException.PermissionDenied();
        }

        switch (result)
        {
            case PolkitResult.Authorized:
                return;
            case PolkitResult.Challenge when !interactive:
                throw new VarlinkErrorException(VarlinkErrors.InteractiveAuthenticationRequired);
            default:
                throw VarlinkErrorException.PermissionDenied();
        }
    }
}
