using System.Text.Json;
using AutoEncoders.Persistence;
using AutoEncoders.Training;

namespace AutoEncoders.Visualization;

/// <summary>
/// What a run directory (<see cref="RunDirectory"/>) says about a run, without loading its weights: the manifest
/// (model.json), the training history, the test metrics (metrics.json) and the recipe (recipe.json) when present.
/// </summary>
public sealed class RunSummary
{
    private RunSummary(string directory, ModelManifest manifest, TrainingHistory? history, IReadOnlyDictionary<string, double> metrics, Recipe? recipe)
    {
        Directory = directory;
        Manifest = manifest;
        History = history;
        Metrics = metrics;
        Recipe = recipe;
    }

    /// <summary>The run directory (full path).</summary>
    public string Directory { get; }

    /// <summary>The recipe's name, else the directory's name.</summary>
    public string Name => Recipe?.Name is { Length: > 0 } name ? name : Path.GetFileName(Directory.TrimEnd(Path.DirectorySeparatorChar));

    /// <summary>The model manifest.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>The training history, or null when the directory has no history.json.</summary>
    public TrainingHistory? History { get; }

    /// <summary>Test metrics from metrics.json (empty when absent).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; }

    /// <summary>The recipe from recipe.json, or null when absent.</summary>
    public Recipe? Recipe { get; }

    /// <summary>Reads a run (or plain model) directory, refusing one without model.json with a message naming the file.</summary>
    public static RunSummary Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string full = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"{directory}: no such run directory.");
        }

        string manifestPath = Path.Combine(full, TrainedAutoencoder.ManifestFile);
        if (!File.Exists(manifestPath))
        {
            throw new FileNotFoundException(
                $"{directory} is not a run directory: {TrainedAutoencoder.ManifestFile} is missing (`ae train` writes one at the end of a run).", manifestPath);
        }

        ModelManifest manifest = TrainedAutoencoder.ReadManifest(manifestPath);
        TrainingHistory? history = File.Exists(Path.Combine(full, "history.json")) ? ReadHistory(full) : null;
        string metricsPath = Path.Combine(full, RunDirectory.MetricsFile);
        IReadOnlyDictionary<string, double> metrics = File.Exists(metricsPath) ? ReadMetrics(metricsPath) : new Dictionary<string, double>();
        string recipePath = Path.Combine(full, RunDirectory.RecipeFile);
        Recipe? recipe = File.Exists(recipePath) ? Recipe.Load(recipePath) : null;
        return new RunSummary(full, manifest, history, metrics, recipe);
    }

    /// <summary>Reads a metrics.json: a flat object whose values are numbers (null, "NaN" and "Infinity" included).</summary>
    public static IReadOnlyDictionary<string, double> ReadMetrics(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{path}: expected a JSON object of metric name to number; found {document.RootElement.ValueKind}.");
            }

            var metrics = new Dictionary<string, double>();
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                metrics[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.Number => property.Value.GetDouble(),
                    JsonValueKind.Null => double.NaN,

                    // RunDirectory.SaveMetrics writes non-finite values as named literals ("NaN", "Infinity").
                    JsonValueKind.String when property.Value.GetString() is "NaN" or "Infinity" or "-Infinity" =>
                        double.Parse(property.Value.GetString()!, System.Globalization.CultureInfo.InvariantCulture),
                    _ => throw new InvalidDataException($"{path}: metric \"{property.Name}\" must be a number; found {property.Value.ValueKind}."),
                };
            }

            return metrics;
        }
        catch (JsonException e)
        {
            throw JsonFile.Failure(path, e);
        }
    }

    private static TrainingHistory ReadHistory(string directory)
    {
        try
        {
            return TrainingHistory.Load(directory);
        }
        catch (JsonException e)
        {
            throw JsonFile.Failure(Path.Combine(directory, "history.json"), e);
        }
    }
}
