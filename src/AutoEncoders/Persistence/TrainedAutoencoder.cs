using System.Text.Json;
using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Objectives;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Persistence;

/// <summary>
/// A trained model and its manifest, saved as a directory (model.json, weights.bin, history.csv/json) that loads
/// back into an identical model. The methods run in evaluation mode without gradients.
/// </summary>
public sealed class TrainedAutoencoder : IDisposable
{
    /// <summary>Manifest file name.</summary>
    public const string ManifestFile = "model.json";

    /// <summary>Weights file name (TorchSharp's state-dictionary format).</summary>
    public const string WeightsFile = "weights.bin";

    /// <summary>Wraps a model with its manifest.</summary>
    public TrainedAutoencoder(Autoencoder model, ModelManifest manifest, TrainingHistory? history = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(manifest);
        Model = model;
        Manifest = manifest;
        History = history;
    }

    /// <summary>The module.</summary>
    public Autoencoder Model { get; }

    /// <summary>Its manifest.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>The training history, when saved with the model.</summary>
    public TrainingHistory? History { get; }

    /// <summary>Codes of a batch [B, ...] (posterior means for variational models).</summary>
    public Tensor Encode(Tensor input) => Inference(() => Model.Encode(input));

    /// <summary>Reconstructions for a batch of codes.</summary>
    public Tensor Decode(Tensor code) => Inference(() => Model.Decode(code));

    /// <summary>Reconstructions of a batch, shaped like the input.</summary>
    public Tensor Reconstruct(Tensor input) => Inference(() => Model.Reconstruct(input));

    /// <summary>Codes of a whole dataset, batch by batch, as one tensor [N, ...].</summary>
    public Tensor EncodeAll(TensorDataset data, int batchSize = 1024) => MapAll(data, batchSize, Model.Encode);

    /// <summary>Reconstructions of a whole dataset, shaped like its features.</summary>
    public Tensor ReconstructAll(TensorDataset data, int batchSize = 1024) => MapAll(data, batchSize, Model.Reconstruct);

    /// <summary>The objective's terms on <paramref name="input"/> (no corruption), as named numbers.</summary>
    public IReadOnlyDictionary<string, double> Loss(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        bool wasTraining = Model.training;
        Model.eval();
        try
        {
            using IDisposable grad = Manifest.Objective.NeedsInputGradient ? torch.enable_grad() : torch.no_grad();
            Tensor x = Manifest.Objective.NeedsInputGradient ? input.detach().requires_grad_(true) : input;
            AutoencoderOutput output = Model.forward(x);
            ObjectiveValue value = Manifest.Objective.Compute(new LossContext { Model = Model, Target = input, Input = x, Output = output });
            IReadOnlyList<string> names = Manifest.Objective.TermNames;
            var result = new Dictionary<string, double> { ["loss"] = value.Total.item<float>() };
            for (int i = 0; i < names.Count; i++)
            {
                result[names[i]] = value.Terms[i].item<float>();
            }

            return result;
        }
        finally
        {
            Model.train(wasTraining);
        }
    }

    /// <summary>Writes the model directory: weights first, then model.json (whose presence marks a complete directory).</summary>
    public void Save(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        AtomicFile.Write(Path.Combine(directory, WeightsFile), stream =>
        {
            // Module.save(Stream) closes the stream; the atomic writer still has to flush it, so keep it open.
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            Model.save(writer);
        });
        History?.Save(directory);
        ModelManifest manifest = Manifest with { ParameterCount = Model.ParameterCount, CreatedUtc = DateTimeOffset.UtcNow };
        AtomicFile.WriteAllText(Path.Combine(directory, ManifestFile), JsonSerializer.Serialize(manifest, JsonDefaults.Options));
    }

    /// <summary>Loads a model directory, refusing a missing, corrupt or mismatched one with a message that says which file and why.</summary>
    public static TrainedAutoencoder Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            throw File.Exists(directory)
                ? new DataFormatException(directory, "path", "expected a model directory (model.json, weights.bin); found a file.")
                : new DirectoryNotFoundException($"{directory}: no such model directory.");
        }

        string manifestPath = Path.Combine(directory, ManifestFile);
        if (!File.Exists(manifestPath))
        {
            throw new FileNotFoundException($"{directory} is not a model directory: {ManifestFile} is missing (an unfinished or interrupted save leaves no {ManifestFile}; train with `ae train`).", manifestPath);
        }

        ModelManifest manifest = ReadManifest(manifestPath);
        string weightsPath = Path.Combine(directory, WeightsFile);
        if (!File.Exists(weightsPath))
        {
            throw new FileNotFoundException($"{weightsPath}: missing; the model directory is incomplete.", weightsPath);
        }

        TorchRuntime.EnsureLoaded();
        Autoencoder model = manifest.Model.Build();
        try
        {
            LoadWeights(model, weightsPath);
        }
        catch
        {
            model.Dispose();
            throw;
        }

        model.eval();
        TrainingHistory? history = File.Exists(Path.Combine(directory, "history.json")) ? TrainingHistory.Load(directory) : null;
        return new TrainedAutoencoder(model, manifest, history);
    }

    /// <summary>Reads and checks a model.json.</summary>
    /// <exception cref="InvalidDataException">The file is not a model manifest, is newer than this build, or describes an invalid model.</exception>
    public static ModelManifest ReadManifest(string path)
    {
        ModelManifest manifest = JsonFile.Deserialize<ModelManifest>(JsonFile.ReadText(path, "model manifest"), path);
        if (manifest.Format != ModelManifest.FormatName)
        {
            throw new InvalidDataException($"{path}: field $.format: expected \"{ModelManifest.FormatName}\"; this is not an AutoEncoders model manifest.");
        }

        if (manifest.Version > ModelManifest.CurrentVersion)
        {
            throw new InvalidDataException($"{path}: field $.version: format version {manifest.Version} is newer than this build reads ({ModelManifest.CurrentVersion}); update AutoEncoders.");
        }

        JsonFile.CheckSection(path, "model", manifest.Model.Validate);
        return manifest;
    }

    // Reads TorchSharp's state dictionary through a reader whose position locates a failure, then checks that
    // nothing follows it. (Non-finite weights load: training never saves them, and `ae report` skips what they break.)
    private static void LoadWeights(Autoencoder model, string weightsPath)
    {
        using var stream = new FileStream(weightsPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var reader = new BinaryReader(stream);
        try
        {
            model.load(reader, strict: true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or InvalidDataException or OverflowException or FormatException)
        {
            throw new InvalidDataException(
                $"{weightsPath}: offset {stream.Position}: expected the weights of the architecture in {ManifestFile}; {e.Message.ReplaceLineEndings(" ").TrimEnd('.')} (the file is corrupt, truncated or from another model).", e);
        }

        if (stream.Position != stream.Length)
        {
            throw new InvalidDataException($"{weightsPath}: offset {stream.Position}: expected the end of the weights, found {stream.Length - stream.Position} more bytes; the file is corrupt or from another model.");
        }
    }

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();

    private Tensor Inference(Func<Tensor> compute)
    {
        bool wasTraining = Model.training;
        Model.eval();
        try
        {
            using var noGrad = torch.inference_mode();
            return compute();
        }
        finally
        {
            Model.train(wasTraining);
        }
    }

    private Tensor MapAll(TensorDataset data, int batchSize, Func<Tensor, Tensor> map)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Inference(() =>
        {
            var parts = new List<Tensor>();
            using var scope = torch.NewDisposeScope();
            foreach (Batch batch in data.Batches(batchSize))
            {
                parts.Add(map(batch.Features));
            }

            return torch.cat(parts).MoveToOuterDisposeScope();
        });
    }
}
