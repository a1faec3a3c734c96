using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Objectives;
using AutoEncoders.Training;

namespace AutoEncoders.Persistence;

/// <summary>The model.json of a model directory: everything needed to rebuild the model and know where it came from.</summary>
public sealed record ModelManifest
{
    /// <summary>The file format's name.</summary>
    public const string FormatName = "autoencoders.model";

    /// <summary>The format version this build writes and reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Always <see cref="FormatName"/>.</summary>
    public string Format { get; init; } = FormatName;

    /// <summary>Format version.</summary>
    public int Version { get; init; } = CurrentVersion;

    /// <summary>The architecture.</summary>
    public required ModelConfig Model { get; init; }

    /// <summary>The objective it was trained on (needed to report its loss terms).</summary>
    public Objective Objective { get; init; } = new();

    /// <summary>The training settings used.</summary>
    public TrainerOptions? Training { get; init; }

    /// <summary>The training data's fingerprint.</summary>
    public DataFingerprint? Data { get; init; }

    /// <summary>Class names of the training data, when labelled.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>Number of parameters.</summary>
    public long ParameterCount { get; init; }

    /// <summary>When the directory was written.</summary>
    public DateTimeOffset CreatedUtc { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>The library version that wrote it.</summary>
    public string LibraryVersion { get; init; } = typeof(ModelManifest).Assembly.GetName().Version?.ToString() ?? "unknown";
}
