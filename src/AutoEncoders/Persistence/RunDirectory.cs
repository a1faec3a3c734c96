using System.Globalization;
using System.Text.Json;
using AutoEncoders.Training;

namespace AutoEncoders.Persistence;

/// <summary>
/// The folder a training run writes: a model directory (model.json, weights.bin, history.csv/json) plus
/// recipe.json (what was run, overrides applied), checkpoint.ckpt (for resuming), metrics.json (test metrics),
/// pictures/ and report.html.
/// </summary>
public sealed class RunDirectory
{
    /// <summary>The recipe as run.</summary>
    public const string RecipeFile = "recipe.json";

    /// <summary>The training checkpoint.</summary>
    public const string CheckpointFile = "checkpoint.ckpt";

    /// <summary>The lock file a command holds while it trains or resumes the run.</summary>
    public const string LockFile = ".lock";

    /// <summary>Test metrics, a flat JSON object of name → number.</summary>
    public const string MetricsFile = "metrics.json";

    /// <summary>Pictures folder.</summary>
    public const string PicturesFolder = "pictures";

    /// <summary>The HTML report.</summary>
    public const string ReportFile = "report.html";

    /// <summary>Wraps an existing or new run folder.</summary>
    public RunDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>Path of the checkpoint file.</summary>
    public string CheckpointPath => System.IO.Path.Combine(Path, CheckpointFile);

    /// <summary>Path of the recipe file.</summary>
    public string RecipePath => System.IO.Path.Combine(Path, RecipeFile);

    /// <summary>Path of the metrics file.</summary>
    public string MetricsPath => System.IO.Path.Combine(Path, MetricsFile);

    /// <summary>Path of the pictures folder.</summary>
    public string PicturesPath => System.IO.Path.Combine(Path, PicturesFolder);

    /// <summary>Path of the report.</summary>
    public string ReportPath => System.IO.Path.Combine(Path, ReportFile);

    /// <summary>True when the run finished and saved a model (model.json present).</summary>
    public bool HasModel => File.Exists(System.IO.Path.Combine(Path, TrainedAutoencoder.ManifestFile));

    /// <summary>A new folder under <paramref name="root"/> named after the recipe and the current time.</summary>
    public static RunDirectory CreateNew(string root, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentException.ThrowIfNullOrEmpty(name);
        string stamp = DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        string path = System.IO.Path.Combine(root, $"{name}-{stamp}");
        for (int i = 2; Directory.Exists(path); i++)
        {
            path = System.IO.Path.Combine(root, $"{name}-{stamp}-{i}");
        }

        try
        {
            Directory.CreateDirectory(path);
        }
        catch (UnauthorizedAccessException e)
        {
            throw AtomicFile.NotWritable(System.IO.Path.GetFullPath(root), "cannot create the run folder there", e);
        }
        catch (IOException e)
        {
            throw new IOException($"{System.IO.Path.GetFullPath(root)}: cannot create the run folder there ({e.Message.TrimEnd('.')}); choose a folder you can write to (--out).", e);
        }

        return new RunDirectory(path);
    }

    /// <summary>
    /// Takes the run's exclusive lock (<see cref="LockFile"/>), so that two commands never train, resume or
    /// overwrite one run at once; refused at once, naming the holder, when another process has it.
    /// </summary>
    public ExclusiveFileLock Lock() => ExclusiveFileLock.Acquire(System.IO.Path.Combine(Path, LockFile), $"the run {Path}", TimeSpan.Zero);

    /// <summary>Opens an existing run folder, refusing one without a recipe.</summary>
    public static RunDirectory Open(string path)
    {
        var run = new RunDirectory(path);
        if (!File.Exists(run.RecipePath))
        {
            throw new FileNotFoundException($"{path} is not a run directory: {RecipeFile} is missing.", run.RecipePath);
        }

        return run;
    }

    /// <summary>
    /// Removes the temporary files that writes into the run folder left when their process was killed mid-write
    /// (".NAME.PID.tmp", see <see cref="AtomicFile.RemoveStaleTemporaries"/>); call it while holding <see cref="Lock"/>.
    /// </summary>
    public int RemoveStaleTemporaries()
    {
        int removed = 0;
        foreach (string target in Directory.EnumerateFiles(Path, ".*.tmp")
            .Select(f => System.IO.Path.GetFileName(f))
            .Where(f => f.Count(c => c == '.') >= 3)
            .Select(f => f[1..f.LastIndexOf('.', f.Length - ".tmp".Length - 1)])
            .Distinct(StringComparer.Ordinal))
        {
            removed += AtomicFile.RemoveStaleTemporaries(System.IO.Path.Combine(Path, target));
        }

        return removed;
    }

    /// <summary>Writes the recipe.</summary>
    public void SaveRecipe(Recipe recipe)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        AtomicFile.WriteAllText(RecipePath, recipe.ToJson());
    }

    /// <summary>Reads the recipe.</summary>
    public Recipe LoadRecipe() => Recipe.Load(RecipePath);

    /// <summary>Writes the test metrics.</summary>
    public void SaveMetrics(IReadOnlyDictionary<string, double> metrics) =>
        AtomicFile.WriteAllText(MetricsPath, JsonSerializer.Serialize(metrics, JsonDefaults.Options));

    /// <summary>Reads the test metrics (empty when none were written).</summary>
    public IReadOnlyDictionary<string, double> LoadMetrics() =>
        File.Exists(MetricsPath)
            ? JsonFile.Deserialize<Dictionary<string, double>>(JsonFile.ReadText(MetricsPath, "metrics"), MetricsPath)
            : new Dictionary<string, double>();
}
