using System.Text.Json.Nodes;

namespace SysUpdate.Varlink.Server;

/// <summary>The built-in <c>org.varlink.service</c> interface every Varlink service offers.</summary>
internal static class VarlinkServiceInterface
{
    public const string Name = "org.varlink.service";

    public const string Description = """
        # The interface every Varlink service provides: information about the service and the
        # interfaces it implements.
        interface org.varlink.service

        # Describes the service and lists the interfaces it implements.
        method GetInfo() -> (
          vendor: string,
          product: string,
          version: string,
          url: string,
          interfaces: []string
        )

        # Returns the interface definition text of one implemented interface.
        method GetInterfaceDescription(interface: string) -> (description: string)

        # No interface of that name is implemented.
        error InterfaceNotFound (interface: string)

        # The interface defines no method of that name.
        error MethodNotFound (method: string)

        # The interface defines the method, but this service does not implement it.
        error MethodNotImplemented (method: string)

        # A parameter is missing, unknown or of the wrong type.
        error InvalidParameter (parameter: string)

        # The caller may not call this method.
        error PermissionDenied ()

        # The method must be called with 'more' set.
        error ExpectedMore ()

        """;

    public static VarlinkInterfaceRegistration Create(VarlinkServerOptions options, Func<IReadOnlyList<VarlinkInterfaceRegistration>> interfaces)
    {
        return new VarlinkInterfaceRegistration(Description)
            .Map("GetInfo", (call, cancellationToken) =>
            {
                var names = new JsonArray();
                foreach (VarlinkInterfaceRegistration registration in interfaces())
                {
                    names.Add((JsonNode?)JsonValue.Create(registration.Name));
                }

                return call.ReplyAsync(
                    new JsonObject
                    {
                        ["vendor"] = options.Vendor,
                        ["product"] = options.Product,
                        ["version"] = options.Version,
                        ["url"] = options.Url,
                        ["interfaces"] = names,
                    },
                    cancellationToken: cancellationToken).AsTask();
            })
            .Map("GetInterfaceDescription", (call, cancellationToken) =>
            {
                string name = call.Parameters.GetProperty("interface").GetString()!;
                foreach (VarlinkInterfaceRegistration registration in interfaces())
                {
                    if (registration.Name == name)
                    {
                        return call.ReplyAsync(new JsonObject { ["description"] = registration.Definition.Text }, cancellationToken: cancellationToken).AsTask();
                    }
                }

                return call.ErrorAsync(VarlinkErrors.InterfaceNotFound, new JsonObject { ["interface"] = name }, cancellationToken).AsTask();
            });
    }
}
