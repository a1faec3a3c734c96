using System.Diagnostics;
using System.Text.RegularExpressions;
using AutoEncoders.Cli;

namespace AutoEncoders.Tests.Reliability;

/// <summary>
/// Runs a loader on corrupted inputs and keeps count: each attempt must either load (the corruption left a valid
/// file) or be refused with one of the documented error types whose message, as the CLI prints it, reads
/// `error: FILE: WHERE: WHAT` on one line; and the folder must hold the same files afterwards. Anything else is
/// recorded as a failure with the corruption that caused it.
/// </summary>
internal sealed partial class FuzzTally(string kind)
{
    private readonly List<string> _failures = [];
    private readonly Stopwatch _clock = new();
    private readonly Dictionary<string, string> _examples = [];

    /// <summary>What was fuzzed ("idx", "csv", ...).</summary>
    public string Kind { get; } = kind;

    /// <summary>Attempts refused with a proper message.</summary>
    public int Refused { get; private set; }

    /// <summary>Attempts whose corrupted input was still valid and loaded.</summary>
    public int Loaded { get; private set; }

    /// <summary>Attempts in all.</summary>
    public int Total => Refused + Loaded + _failures.Count;

    /// <summary>What went wrong, one line per failed attempt.</summary>
    public IReadOnlyList<string> Failures => _failures;

    /// <summary>
    /// Runs <paramref name="load"/> on the corrupted <paramref name="file"/> (already written inside
    /// <paramref name="folder"/>); <paramref name="corruption"/> says what was done to it.
    /// </summary>
    public void Attempt(string corruption, string folder, string file, Action load) => Attempt(corruption, folder, [file], load);

    /// <summary>
    /// Writes <paramref name="content"/> as <paramref name="name"/> in <paramref name="folder"/>, runs
    /// <paramref name="load"/> on its path (<see cref="Attempt(string, string, string, Action)"/>), then deletes it.
    /// </summary>
    public void AttemptFile(string corruption, TempDirectory folder, string name, byte[] content, Action<string> load) =>
        AttemptWritten(corruption, folder, folder.Write(name, content), load);

    /// <summary>As <see cref="AttemptFile(string, TempDirectory, string, byte[], Action{string})"/>, for a text file.</summary>
    public void AttemptFile(string corruption, TempDirectory folder, string name, string content, Action<string> load) =>
        AttemptWritten(corruption, folder, folder.Write(name, content), load);

    /// <summary>As <see cref="Attempt(string, string, string, Action)"/>, where the message may name any of <paramref name="files"/>.</summary>
    public void Attempt(string corruption, string folder, IReadOnlyList<string> files, Action load)
    {
        string[] before = Listing(folder);
        _clock.Start();
        try
        {
            load();
            Loaded++;
        }
        catch (Exception e)
        {
            string? line = AeApplication.RefusalLine(e);
            if (line is null)
            {
                _failures.Add($"{corruption}: unhandled {e.GetType().Name}: {e.Message.Split('\n')[0]} at {e.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}");
            }
            else if (!files.Any(file => IsPlacedLine(line, file)))
            {
                _failures.Add($"{corruption}: {e.GetType().Name} without file and place: {line.Replace('\n', '|')}");
            }
            else
            {
                Refused++;
                _examples.TryAdd(corruption[(corruption.IndexOf(' ', StringComparison.Ordinal) + 1)..], line);
            }
        }
        finally
        {
            _clock.Stop();
        }

        string[] after = Listing(folder);
        if (!before.SequenceEqual(after))
        {
            _failures.Add($"{corruption}: files changed: {string.Join(", ", after.Except(before).Concat(before.Except(after)))}");
        }
    }

    private void AttemptWritten(string corruption, TempDirectory folder, string path, Action<string> load)
    {
        Attempt(corruption, folder.Path, path, () => load(path));
        File.Delete(path);
    }

    /// <summary>The first refusal of each kind of corruption, as the CLI prints it.</summary>
    public IReadOnlyDictionary<string, string> Examples => _examples;

    /// <summary>A summary line: counts and time spent in the loader.</summary>
    public override string ToString() =>
        $"{Kind}: {Total} corrupted inputs, {Refused} refused, {Loaded} still valid and loaded, {_failures.Count} failures, {_clock.Elapsed.TotalSeconds:F1} s";

    /// <summary>Fails the test with every failure when there is one.</summary>
    public void AssertClean(int minimumAttempts)
    {
        Assert.True(_failures.Count == 0, $"{this}\n{string.Join("\n", _failures.Take(40))}");
        Assert.True(Total >= minimumAttempts, $"{this}: expected at least {minimumAttempts} attempts.");
        Assert.True(Refused >= Total / 2, $"{this}: most corruptions should be refused.");
    }

    // `error: FILE: WHERE: WHAT`, one line: the file as given, a non-empty place, then what was expected.
    private static bool IsPlacedLine(string line, string file)
    {
        string prefix = $"error: {file}: ";
        if (line.Contains('\n', StringComparison.Ordinal) || !line.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        Match place = Place().Match(line[prefix.Length..]);
        return place.Success;
    }

    private static string[] Listing(string folder) =>
        [.. Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    // The place runs to the first ": " (a field path may hold a lone ':').
    [GeneratedRegex(@"^[^:\s](?:[^:\n]|:(?! )){0,120}: \S")]
    private static partial Regex Place();
}
