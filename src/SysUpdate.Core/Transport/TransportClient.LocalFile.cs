using System.Globalization;
using SysUpdate.Core.Native;

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

            DateTimeOffset modified = File.GetLastWriteTimeUtc(stream.SafeFileHandle);
            return new FetchedFile(url, body, FromCache: false, ETag: null, modified);
        }
    }

    private DownloadStream OpenLocalDownload(Uri url, long resumeOffset, string? ifRange)
    {
        FileStream stream = OpenLocal(url, notFoundIsNull: false)!;
        try
        {
            long length = stream.Length;
            string validator = File.GetLastWriteTimeUtc(stream.SafeFileHandle).ToString("R", CultureInfo.InvariantCulture);
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

    /// <summary>Opens a <c>file://</c> URL's path for reading once it is known to be a regular file: a FIFO,
    /// socket or device there is refused before open(2) could block on it.</summary>
    private static FileStream? OpenLocal(Uri url, bool notFoundIsNull)
    {
        const int O_RDONLY = 0;
        string path = url.LocalPath;
        try
        {
            return new FileStream(LibC.OpenExpecting(path, O_RDONLY, FileKind.Regular), FileAccess.Read, 4096);
        }
        catch (FileOpenException ex) when (ex.IsNotFound)
        {
            if (notFoundIsNull)
            {
                return null;
            }

            throw new TransportException(url, TransportError.LocalFile, "no such file", ex) { Errno = Errno.ENOENT };
        }
        catch (FileOpenException ex) when (ex.Errno == Errno.EACCES)
        {
            throw new TransportException(url, TransportError.LocalFile, "permission denied", ex) { Errno = Errno.EACCES };
        }
        catch (UnexpectedFileKindException ex)
        {
            throw new TransportException(url, TransportError.LocalFile,
                $"is {FileKindNames.Describe(ex.Found)}, not a regular file; refusing to open it", ex) { Errno = ex.Errno };
        }
        catch (FileOpenException ex)
        {
            throw new TransportException(url, TransportError.LocalFile, ex.Message, ex) { Errno = ex.Errno };
        }
    }
}
