using System.Text.Json;
using AutoEncoders.Applications.Anomaly;
using AutoEncoders.Persistence;

namespace AutoEncoders.Cli;

/// <summary>
/// What `ae detect fit` saves next to the model (<c>detector.json</c>) so `ae detect score` treats new data exactly
/// like the training data: the data kind, the feature columns in order, the label column and normal class, the
/// held-out anomaly class of image data, the normaliser file, the detector kind and score with each member's score
/// standardisation, and the threshold with the rule that set it.
/// </summary>
internal sealed record DetectorFile
{
    public const string FileName = "detector.json";
    public const string NormalizerFileName = "normalizer.json";
    public const string Table = "table";
    public const string Images = "images";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    public required string Kind { get; init; }

    public required double Threshold { get; init; }

    public required string Rule { get; init; }

    public IReadOnlyList<string>? Columns { get; init; }

    public IReadOnlyList<string>? IgnoredColumns { get; init; }

    public string? LabelColumn { get; init; }

    public string? NormalClass { get; init; }

    public long? AnomalyClass { get; init; }

    public string? Normalizer { get; init; }

    /// <summary>The false-positive rate the threshold implies on the held-out normal rows at fit time.</summary>
    public double? ImpliedFalsePositiveRate { get; init; }

    /// <summary>dense, denoising, vae or ensemble; absent in folders written before detector kinds (one dense model at the root).</summary>
    public string? Detector { get; init; }

    /// <summary>knn-max, combined, reconstruction, latent-knn or input-knn; absent means reconstruction.</summary>
    public string? Score { get; init; }

    public int? Neighbours { get; init; }

    /// <summary>Members in member-0, member-1, ...; absent for the single model at the root of an older folder.</summary>
    public int? Members { get; init; }

    public IReadOnlyList<ScoreStandardization>? Standardizations { get; init; }

    /// <summary>The input-space k-NN part's standardisation; absent in folders written before that part existed (a "combined" score there has two parts).</summary>
    public ScoreScale? InputStandardization { get; init; }

    /// <summary>knn-max only: the nearest-row distance's scale.</summary>
    public ScoreScale? NearestStandardization { get; init; }

    /// <summary>knn-max only: the rank-Gauss k-NN distance's scale.</summary>
    public ScoreScale? RankGaussStandardization { get; init; }

    public void Save(string directory) => AtomicFile.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, Json) + "\n");

    public static DetectorFile Load(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such file; {directory} is not a detector written by `ae detect fit`.", path);
        }

        try
        {
            return JsonFile.Deserialize<DetectorFile>(JsonFile.ReadText(path, "detector"), path, Json);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{e.Message.TrimEnd('.')}; refit with `ae detect fit`.", e.InnerException);
        }
    }
}
