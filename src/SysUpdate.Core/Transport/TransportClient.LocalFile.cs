using System.Globalization;

namespace SysUpdate.Core.Transport;

internal sealed partial class TransportClient
{
    private async Task<FetchedFile?> ReadLocalSmallFileAsync(Uri url, long maxBytes, bool notFoundIsNull, CancellationToken cancellationToken)
    {
        FileStream? stream = OpenLocal(url, notFoundIsNull);
        if (stream is null)
        {
            return null;
        }

        await using (stream.ConfigureAwait(false))
        {
            long length = stream.Length;
            if (length > maxBytes)
            {
                throw TooLarge(url, maxBytes);
            }

            byte[] body = new byte[length];
            try
            {
                await stream.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
            }
            catch (EndOfStreamException ex)
            {
                throw new TransportException(url, TransportError.LocalFile, "file shrank while being read", ex);
            }
            catch (IOException ex)
            {
                throw new TransportException(url, TransportError.LocalFile, DownloadStream.OneLine(ex.Message), ex);
            }

            DateTimeOffset modified = File.GetLastWriteTimeUtc(stream.Name);
            return new FetchedFile(url, body, FromCache: false, ETag: null, modified);
        }
    }

    private DownloadStream OpenLocalDownload(Uri url, long resumeOffset, string? ifRange)
    {
        FileStream stream = OpenLocal(url, notFoundIsNull: false)!;
        try
        {
            long length = stream.Length;
            string validator = File.GetLastWriteTimeUtc(stream.Name).ToString("R", CultureInfo.InvariantCulture);
            bool resume = resumeOffset > 0 && resumeOffset <= length && (ifRange is null || ifRange == validator);
            long offset = resume ? resumeOffset : 0;
            stream.Seek(offset, SeekOrigin.Begin);
            return new DownloadStream(url, stream, owner: null, offset, contentLength: length - offset, totalLength: length,
                validator, _options.ReadTimeout, isNetwork: false);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static FileStream? OpenLocal(Uri url, bool notFoundIsNull)
    {
        string path = url.LocalPath;
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096,
                FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            if (notFoundIsNull)
            {
                return null;
            }

            throw new TransportException(url, TransportError.LocalFile, "no such file", ex) { ErrnoName = "ENOENT" };
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new TransportException(url, TransportError.LocalFile, "permission denied", ex) { ErrnoName = "EACCES" };
        }
        catch (IOException ex)
        {
            throw new TransportException(url, TransportError.LocalFile, DownloadStream.OneLine(ex.Message), ex);
        }
    }
}
