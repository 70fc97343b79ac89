// ImageServer --root DIR [--port 0] [--port-file FILE]
// Serves DIR read-only over HTTP on 127.0.0.1 (Range, ETag, If-Range via the static file middleware),
// prints the base URL on stdout (and to --port-file), and runs until SIGTERM/SIGINT.
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

string? root = null;
int port = 0;
string? portFile = null;
for (int i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--root": root = Value(); break;
        case "--port": port = int.Parse(Value(), CultureInfo.InvariantCulture); break;
        case "--port-file": portFile = Value(); break;
        default:
            await Console.Error.WriteLineAsync($"usage: ImageServer --root DIR [--port 0] [--port-file FILE] (unknown argument '{args[i]}')");
            return 2;
    }
}
if (root is null || !Directory.Exists(root))
{
    await Console.Error.WriteLineAsync("usage: ImageServer --root DIR [--port 0] [--port-file FILE] (DIR must exist)");
    return 2;
}

var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, port));
var app = builder.Build();
app.UseStaticFiles(new StaticFileOptions
{
    FileProvider = new PhysicalFileProvider(Path.GetFullPath(root)),
    ServeUnknownFileTypes = true,
    DefaultContentType = "application/octet-stream",
});
await app.StartAsync();

string address = app.Urls.First();
string url = new Uri(address).GetLeftPart(UriPartial.Authority) + "/";
Console.WriteLine(url);
if (portFile is not null)
{
    string temporary = portFile + ".tmp";
    await File.WriteAllTextAsync(temporary, url + "\n");
    File.Move(temporary, portFile, overwrite: true); // readers never see a half-written file
}
await app.WaitForShutdownAsync();
return 0;
