using Tmds.DBus.Protocol;

namespace SysUpdate.Cli.Varlink.Authorization;

/// <summary>
/// Asks polkit (<c>org.freedesktop.PolicyKit1.Authority.CheckAuthorization</c>) on the system bus at
/// <paramref name="busAddress"/>, over a connection of its own per question: authorization is rare,
/// and a connection kept open would have to survive the bus restarting.
/// </summary>
internal sealed class PolkitAuthority(string busAddress)
{
    private const string Service = "org.freedesktop.PolicyKit1";
    private const string ObjectPath = "/org/freedesktop/PolicyKit1/Authority";
    private const string Interface = "org.freedesktop.PolicyKit1.Authority";
    private const uint AllowUserInteraction = 1;

    public string BusAddress { get; } = busAddress;

    /// <summary>Whether <paramref name="subject"/> may do <paramref name="action"/>.</summary>
    /// <exception cref="PolkitUnavailableException">No bus, no polkit on it, or a D-Bus error.</exception>
    public async Task<PolkitResult> CheckAuthorizationAsync(
        PolkitSubject subject, string action, IReadOnlyDictionary<string, string> details, bool allowInteraction,
        CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = new DBusConnection(BusAddress);
        try
        {
            await connection.ConnectAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
            var message = CreateCheckAuthorization(connection, subject, action, details, allowInteraction);
            return await connection.CallMethodAsync(message, static (Message reply, object? _) => ReadResult(reply), null)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DBusConnectFailedException e)
        {
            throw new PolkitUnavailableException($"no system bus at {BusAddress} ({e.Message}); is dbus running?", e);
        }
        catch (DBusErrorReplyException e)
        {
            throw new PolkitUnavailableException($"polkit on the system bus at {BusAddress} did not answer: {e.ErrorName}; is polkitd installed and running?", e);
        }
        catch (DBusExceptionBase e)
        {
            throw new PolkitUnavailableException($"cannot ask polkit on the system bus at {BusAddress}: {e.Message}", e);
        }
    }

    private static MessageBuffer CreateCheckAuthorization(
        DBusConnection connection, PolkitSubject subject, string action, IReadOnlyDictionary<string, string> details, bool allowInteraction)
    {
        using var writer = connection.GetMessageWriter();
        writer.WriteMethodCallHeader(
            destination: Service, path: ObjectPath, @interface: Interface, member: "CheckAuthorization",
            signature: "(sa{sv})sa{ss}us",
            flags: allowInteraction ? MessageFlags.AllowInteractiveAuthorization : MessageFlags.None);

        writer.WriteStructureStart();
        writer.WriteString("unix-process");
        var subjectDetails = writer.WriteDictionaryStart();
        writer.WriteDictionaryEntryStart();
        writer.WriteString("pid");
        writer.WriteVariantUInt32(subject.ProcessId);
        writer.WriteDictionaryEntryStart();
        writer.WriteString("start-time");
        writer.WriteVariantUInt64(subject.StartTime);
        writer.WriteDictionaryEntryStart();
        writer.WriteString("uid");
        writer.WriteVariantInt32(subject.UserId);
        writer.WriteDictionaryEnd(subjectDetails);

        writer.WriteString(action);
        var actionDetails = writer.WriteDictionaryStart();
        foreach (var (key, value) in details)
        {
            writer.WriteDictionaryEntryStart();
            writer.WriteString(key);
            writer.WriteString(value);
        }
        writer.WriteDictionaryEnd(actionDetails);

        writer.WriteUInt32(allowInteraction ? AllowUserInteraction : 0);
        writer.WriteString(""); // no cancellation id
        return writer.CreateMessage();
    }

    /// <summary>The reply's <c>(bba{ss})</c>: is_authorized, is_challenge, details (unused).</summary>
    private static PolkitResult ReadResult(Message reply)
    {
        var reader = reply.GetBodyReader();
        reader.AlignStruct();
        bool authorized = reader.ReadBool();
        bool challenge = reader.ReadBool();
        return authorized ? PolkitResult.Authorized : challenge ? PolkitResult.Challenge : PolkitResult.NotAuthorized;
    }
}
