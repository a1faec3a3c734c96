using System.Diagnostics;
using System.Globalization;

namespace AutoEncoders.Persistence;

/// <summary>
/// An exclusive, operating-system-level lock on something a command writes (a code index, a run folder), held
/// through a lock file beside it until disposed. The lock is the file opened with <see cref="FileShare.None"/>:
/// .NET takes an advisory <c>flock</c> on Linux and macOS and a share lock on Windows, so it excludes other
/// processes and other handles in this one, and the system releases it when the holder exits, even by kill -9.
/// The lock file stays (deleting it would let a third writer lock a new file while a second waits on the old one).
/// </summary>
public sealed class ExclusiveFileLock : IDisposable
{
    private readonly FileStream _stream;

    private ExclusiveFileLock(FileStream stream, string path)
    {
        _stream = stream;
        Path = path;
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>
    /// Takes the lock held through <paramref name="lockPath"/>, waiting up to <paramref name="wait"/> for another
    /// holder to let go (zero: refuse at once).
    /// </summary>
    /// <param name="lockPath">The lock file (created when missing).</param>
    /// <param name="what">What the lock protects, for the message (e.g. "the index runs/a.aeidx").</param>
    /// <param name="wait">How long to wait for the lock.</param>
    /// <exception cref="IOException">Another process (named by its id where the system tells) still holds it after the wait.</exception>
    public static ExclusiveFileLock Acquire(string lockPath, string what, TimeSpan wait)
    {
        ArgumentException.ThrowIfNullOrEmpty(lockPath);
        ArgumentException.ThrowIfNullOrEmpty(what);
        string full = System.IO.Path.GetFullPath(lockPath);
        var clock = Stopwatch.StartNew();
        int delay = 5;
        while (true)
        {
            if (!File.Exists(full) && !Directory.Exists(System.IO.Path.GetDirectoryName(full)))
            {
                throw new DirectoryNotFoundException($"{System.IO.Path.GetDirectoryName(full)}: no such folder, so {what} cannot be locked.");
            }

            try
            {
                return new ExclusiveFileLock(new FileStream(full, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None), full);
            }
            catch (IOException) when (File.Exists(full) && !IsDirectory(full))
            {
                // Held by another handle (or the file vanished between the two calls): wait and try again.
                if (clock.Elapsed >= wait)
                {
                    string holder = Holder(full) is int pid ? $"process {pid}" : "another process";
                    string waited = wait > TimeSpan.Zero ? string.Create(CultureInfo.InvariantCulture, $" (waited {wait.TotalSeconds:0.#} s)") : string.Empty;
                    throw new IOException($"{what} is in use by {holder}{waited}; the lock is {full}. Try again when it has finished.");
                }

                Thread.Sleep(delay);
                delay = Math.Min(delay * 2, 100);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new IOException($"{System.IO.Path.GetDirectoryName(full)}: cannot lock {what}: permission denied (the lock file {full} cannot be created or opened).", e);
            }
        }
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose() => _stream.Dispose();

    private static bool IsDirectory(string path) => Directory.Exists(path);

    // The process holding the file open, found by its open files under /proc (Linux; the holder is normally the
    // same user). Null where the system does not say.
    private static int? Holder(string path)
    {
        if (!Directory.Exists("/proc"))
        {
            return null;
        }

        int self = Environment.ProcessId;
        try
        {
            foreach (string process in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(System.IO.Path.GetFileName(process), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                {
                    continue;
                }

                try
                {
                    foreach (string fd in Directory.EnumerateFileSystemEntries(System.IO.Path.Combine(process, "fd")))
                    {
                        if (File.ResolveLinkTarget(fd, returnFinalTarget: false)?.FullName == path && pid != self)
                        {
                            return pid;
                        }
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Another user's process or one that just exited.
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return null;
    }
}
