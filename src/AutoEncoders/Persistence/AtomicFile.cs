using System.Diagnostics;
using System.Globalization;

namespace AutoEncoders.Persistence;

/// <summary>Writes files so that a reader never sees half of one: a temporary file in the same folder, then a rename.</summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="contents"/> (UTF-8) to <paramref name="path"/> atomically.</summary>
    public static void WriteAllText(string path, string contents) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.Write(contents);
        });

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    /// <summary>
    /// Deletes the temporary files that writes of <paramref name="path"/> left behind when their process was killed
    /// mid-write (".NAME.PID.tmp" beside it, whose process is gone); returns how many. Files of a live process are kept.
    /// </summary>
    public static int RemoveStaleTemporaries(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        string prefix = $".{Path.GetFileName(full)}.";
        int removed = 0;
        foreach (string temporary in Directory.EnumerateFiles(directory, $"{prefix}*.tmp"))
        {
            string pid = Path.GetFileName(temporary)[prefix.Length..^".tmp".Length];
            if (int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out int id) && !IsRunning(id))
            {
                File.Delete(temporary);
                removed++;
            }
        }

        return removed;
    }

    /// <summary>
    /// Lets <paramref name="write"/> fill a temporary stream, flushes it to disk, then renames it to <paramref name="path"/>.
    /// A folder this process may not write to is reported as an <see cref="IOException"/> naming it.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full)!;
        string temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        CreateFolder(directory, $"cannot write {Path.GetFileName(full)} there");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch (UnauthorizedAccessException e)
        {
            throw NotWritable(directory, $"cannot write {Path.GetFileName(full)} there", e);
        }
        catch (IOException e) when (e is FileNotFoundException or DirectoryNotFoundException && !File.Exists(temporary))
        {
            // The folder exists but takes no new files (/proc, /sys): the temporary could not even be created.
            throw new IOException($"{directory}: cannot write {Path.GetFileName(full)} there: this folder takes no new files; choose a folder you can write to (-o/--out).", e);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>
    /// Creates <paramref name="folder"/> (and its parents) where missing; a path that cannot be a folder here (a part
    /// of it is a file, or a file system that takes no new entries) or may not be written is reported as one
    /// <see cref="IOException"/> naming the folder and <paramref name="what"/> failed.
    /// </summary>
    public static void CreateFolder(string folder, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (UnauthorizedAccessException e)
        {
            throw NotWritable(Path.GetFullPath(folder), what, e);
        }
        catch (IOException e)
        {
            throw new IOException($"{Path.GetFullPath(folder)}: {what}: cannot create this folder ({e.Message.TrimEnd('.')}); choose a folder you can write to (-o/--out).", e);
        }
    }

    /// <summary>The one-line error for a folder this process may not write to: "FOLDER: WHAT: permission denied; ...".</summary>
    public static IOException NotWritable(string folder, string what, UnauthorizedAccessException cause) =>
        new($"{folder}: {what}: permission denied; choose a folder you can write to (-o/--out).", cause);

    private static bool IsRunning(int processId)
    {
        if (processId == Environment.ProcessId)
        {
            return false; // this process is not writing the file now, so its temporary is a leftover
        }

        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
