using System.Globalization;
using System.Security.Cryptography;

namespace AutoEncoders.Data;

/// <summary>
/// Downloads a catalog dataset's published files: each to <c>&lt;file&gt;.part</c> beside its destination, hashed
/// while written, then renamed once its SHA-256 matches the published one. A file whose checksum differs is
/// deleted and the next mirror is tried.
/// </summary>
public sealed class DatasetDownloader : IDisposable
{
    private readonly HttpClient _client;
    private readonly Action<string>? _log;

    /// <summary>Creates a downloader.</summary>
    /// <param name="handler">The HTTP handler (it must support synchronous sends); null uses a new <see cref="SocketsHttpHandler"/>. A given handler is not disposed.</param>
    /// <param name="timeout">The longest one file may take, from request to last byte.</param>
    /// <param name="log">Receives one line per step, or null.</param>
    public DatasetDownloader(HttpMessageHandler? handler = null, TimeSpan? timeout = null, Action<string>? log = null)
    {
        _client = handler is null
            ? new HttpClient(new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.None }, disposeHandler: true)
            : new HttpClient(handler, disposeHandler: false);
        _client.Timeout = timeout ?? TimeSpan.FromMinutes(5);
        _client.DefaultRequestHeaders.UserAgent.ParseAdd("AutoEncoders/1.0");
        _log = log;
    }

    /// <summary>
    /// Downloads <paramref name="file"/> of <paramref name="dataset"/> into <paramref name="directory"/>, trying each
    /// mirror in turn, and returns the path of the verified file.
    /// </summary>
    /// <exception cref="IOException">No mirror delivered a file with the published checksum; the message lists each attempt.</exception>
    public string Download(DatasetDescriptor dataset, DatasetFile file, string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        string destination = Path.Combine(directory, file.FileName);
        string part = destination + ".part";
        var failures = new List<string>();
        foreach (Uri mirror in dataset.Mirrors)
        {
            var url = new Uri(mirror, file.FileName);
            _log?.Invoke($"downloading {url}");
            string? failure = TryDownload(url, part, file.Sha256, cancellationToken);
            if (failure is null)
            {
                File.Move(part, destination, overwrite: true);
                _log?.Invoke($"saved {destination} (SHA-256 verified)");
                return destination;
            }

            _log?.Invoke($"failed: {url}: {failure}");
            failures.Add($"{url}: {failure}");
        }

        throw new IOException(
            $"Could not download {file.FileName} of {dataset.Name} into {directory}: {string.Join("; ", failures)}.");
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    // Returns null on success (the verified file is at `part`), else why this URL failed; `part` is then deleted.
    private string? TryDownload(Uri url, string part, string expectedSha256, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);

            // ResponseContentRead keeps the whole transfer under HttpClient.Timeout; the files are a few tens of MB.
            using HttpResponseMessage response = _client.Send(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            string actual;
            long length;
            using (Stream body = response.Content.ReadAsStream(cancellationToken))
            using (var output = new FileStream(part, FileMode.Create, FileAccess.Write, FileShare.None))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                byte[] buffer = new byte[1 << 16];
                int n;
                while ((n = body.Read(buffer)) > 0)
                {
                    hash.AppendData(buffer, 0, n);
                    output.Write(buffer, 0, n);
                }

                length = output.Length;
                actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            if (actual != expectedSha256)
            {
                File.Delete(part);
                return string.Create(CultureInfo.InvariantCulture,
                    $"the {length}-byte download has SHA-256 {actual}, expected {expectedSha256}; deleted {part}");
            }

            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            TryDelete(part);
            return string.Create(CultureInfo.InvariantCulture, $"timed out after {_client.Timeout.TotalSeconds} s");
        }
        catch (Exception e) when (e is HttpRequestException or IOException or UnauthorizedAccessException)
        {
            TryDelete(part);
            return e.Message;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Left behind; the next download overwrites it.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}
