using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SysUpdate.Core.Transport;

/// <summary>
/// On-disk copies of small files with their validators (ETag, Last-Modified), so a later fetch can
/// be a conditional GET answered by 304 Not Modified. One file per URL, named by the SHA-256 of the
/// URL, replaced atomically (written aside, then renamed). The cache is an optimisation only: an
/// unreadable or damaged entry (its body no longer matches the SHA-256 stored with it) counts as absent.
/// </summary>
internal sealed class ConditionalGetCache
{
    private const string Magic = "sysupdate-http-cache 2";
    private const int MaxHeaderBytes = 16 * 1024;

    private readonly string _directory;

    public ConditionalGetCache(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        _directory = directory;
    }

    /// <summary>The cached copy of <paramref name="url"/>, or null when there is none usable.</summary>
    public async Task<CacheEntry?> TryLoadAsync(Uri url, long maxBytes, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string path = PathFor(url);
        byte[] data;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Length > maxBytes + MaxHeaderBytes)
            {
                return null;
            }

            data = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return Parse(url, data, maxBytes);
    }

    /// <summary>Stores <paramref name="body"/> with its validators, replacing an older copy.</summary>
    public async Task StoreAsync(Uri url, ReadOnlyMemory<byte> body, string? etag, DateTimeOffset? lastModified, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Directory.CreateDirectory(_directory);
        string path = PathFor(url);
        string temp = path + ".tmp" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

        var header = new StringBuilder();
        header.Append(Magic).Append('\n');
        header.Append("url ").Append(OneLine(TransportException.Display(url))).Append('\n');
        if (etag is not null)
        {
            header.Append("etag ").Append(OneLine(etag)).Append('\n');
        }

        if (lastModified is DateTimeOffset modified)
        {
            header.Append("last-modified ").Append(modified.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }

        header.Append("length ").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append('\n');
        header.Append("sha256 ").Append(Convert.ToHexStringLower(SHA256.HashData(body.Span))).Append('\n');
        header.Append('\n');

        try
        {
            var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes(header.ToString()), cancellationToken).ConfigureAwait(false);
                await stream.WriteAsync(body, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Forgets the copy of <paramref name="url"/> (the server no longer gives validators).</summary>
    public void Remove(Uri url) => File.Delete(PathFor(url));

    private string PathFor(Uri url)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(url.AbsoluteUri));
        return Path.Combine(_directory, Convert.ToHexStringLower(hash) + ".cache");
    }

    private static CacheEntry? Parse(Uri url, byte[] data, long maxBytes)
    {
        ReadOnlySpan<byte> rest = data;
        string? etag = null;
        DateTimeOffset? lastModified = null;
        long? length = null;
        string? sha256 = null;
        string? storedUrl = null;
        bool first = true;

        while (true)
        {
            int newline = rest.IndexOf((byte)'\n');
            if (newline < 0 || data.Length - rest.Length > MaxHeaderBytes)
            {
                return null;
            }

            string line = Encoding.UTF8.GetString(rest[..newline]);
            rest = rest[(newline + 1)..];
            if (first)
            {
                if (line != Magic)
                {
                    return null;
                }

                first = false;
                continue;
            }

            if (line.Length == 0)
            {
                break;
            }

            int space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0)
            {
                return null;
            }

            string value = line[(space + 1)..];
            switch (line[..space])
            {
                case "url":
                    storedUrl = value;
                    break;
                case "etag":
                    etag = value;
                    break;
                case "last-modified":
                    if (!DateTimeOffset.TryParseExact(value, "R", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset parsed))
                    {
                        return null;
                    }

                    lastModified = parsed;
                    break;
                case "length":
                    if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long parsedLength))
                    {
                        return null;
                    }

                    length = parsedLength;
                    break;
                case "sha256":
                    sha256 = value;
                    break;
                default:
                    return null;
            }
        }

        if (length != rest.Length || rest.Length > maxBytes || (etag is null && lastModified is null)
            || storedUrl != OneLine(TransportException.Display(url))
            || sha256 != Convert.ToHexStringLower(SHA256.HashData(rest)))
        {
            return null;
        }

        return new CacheEntry(rest.ToArray(), etag, lastModified);
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
