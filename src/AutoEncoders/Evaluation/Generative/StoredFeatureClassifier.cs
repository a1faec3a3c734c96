using System.Diagnostics;
using System.Text.Json;
using AutoEncoders.Data;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Evaluation.Generative;

/// <summary>
/// A <see cref="FeatureClassifier"/> kept in a folder (classifier.json and weights.bin) so that every model of a
/// benchmark is measured in the same feature space: trained once per dataset with a fixed seed, then loaded.
/// </summary>
public sealed class StoredFeatureClassifier : IDisposable
{
    /// <summary>The description file in the folder.</summary>
    public const string InfoFile = "classifier.json";

    /// <summary>The weights file in the folder.</summary>
    public const string WeightsFile = "weights.bin";

    private StoredFeatureClassifier(FeatureClassifier classifier, FeatureClassifierInfo info)
    {
        Classifier = classifier;
        Info = info;
    }

    /// <summary>The network.</summary>
    public FeatureClassifier Classifier { get; }

    /// <summary>How it was made and how well it classifies.</summary>
    public FeatureClassifierInfo Info { get; }

    /// <summary>
    /// Trains a classifier on <paramref name="train"/>, measures it on <paramref name="test"/> (accuracy, and the
    /// train-versus-test Fréchet distance on min(train, test) images each) and returns it, unsaved.
    /// </summary>
    public static StoredFeatureClassifier Train(TensorDataset train, TensorDataset test, FeatureClassifierTrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        options ??= new FeatureClassifierTrainingOptions();
        if (test.Labels is null)
        {
            throw test.Refusal("labels", "expected a label per test sample, as measuring the feature classifier needs; found none.");
        }

        FeatureClassifierConfig config = ConfigFor(train);
        var clock = Stopwatch.StartNew();
        FeatureClassifier classifier = FeatureClassifierTraining.Train(train, config, options);
        double seconds = clock.Elapsed.TotalSeconds;
        try
        {
            using var scope = torch.NewDisposeScope();
            long pairs = Math.Min(train.Count, test.Count);
            double floor = FrechetDistance.Of(classifier.FeaturesOf(train.Features.narrow(0, 0, pairs)), classifier.FeaturesOf(test.Features.narrow(0, 0, pairs)));
            var info = new FeatureClassifierInfo
            {
                Config = config,
                TrainData = train.Name,
                TrainExamples = train.Count,
                Training = options,
                TestData = test.Name,
                TestExamples = test.Count,
                TestAccuracy = classifier.Accuracy(test.Features, test.Labels),
                TrainVsTestFrechet = floor,
                TrainVsTestExamples = pairs,
                TrainSeconds = seconds,
                CreatedUtc = DateTimeOffset.UtcNow,
            };
            return new StoredFeatureClassifier(classifier, info);
        }
        catch
        {
            classifier.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The classifier stored in <paramref name="folder"/>, or, when the folder holds none, one trained with
    /// <see cref="Train"/> on <paramref name="train"/> (loaded only then) and <paramref name="test"/> and saved there.
    /// </summary>
    public static StoredFeatureClassifier LoadOrTrain(string folder, Func<TensorDataset> train, TensorDataset test, FeatureClassifierTrainingOptions? options = null, TextWriter? log = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(train);
        if (File.Exists(Path.Combine(folder, InfoFile)))
        {
            return Load(folder);
        }

        TensorDataset data = train();
        try
        {
            log?.WriteLine($"training the feature classifier on {data.Name} ({data.Count} images); it is kept in {folder}");
            StoredFeatureClassifier trained = Train(data, test, options);
            trained.Save(folder);
            return trained;
        }
        finally
        {
            data.Dispose();
        }
    }

    /// <summary>Writes weights.bin, then classifier.json (whose presence marks a complete folder).</summary>
    public void Save(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        AtomicFile.CreateFolder(folder, "feature classifier folder");
        AtomicFile.Write(Path.Combine(folder, WeightsFile), stream =>
        {
            // Module.save(BinaryWriter) closes the stream; the atomic writer still has to flush it, so keep it open.
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            Classifier.save(writer);
        });
        AtomicFile.WriteAllText(Path.Combine(folder, InfoFile), JsonSerializer.Serialize(Info, JsonDefaults.Options));
    }

    /// <summary>Loads a folder written by <see cref="Save"/>, refusing a missing or foreign one with the file named.</summary>
    public static StoredFeatureClassifier Load(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        string infoPath = Path.Combine(folder, InfoFile);
        FeatureClassifierInfo info = JsonFile.Deserialize<FeatureClassifierInfo>(JsonFile.ReadText(infoPath, "feature classifier description"), infoPath);
        if (info.Format != FeatureClassifierInfo.FormatName)
        {
            throw new InvalidDataException($"{infoPath}: field $.format: expected \"{FeatureClassifierInfo.FormatName}\".");
        }

        JsonFile.CheckSection(infoPath, "config", info.Config.Validate);
        string weightsPath = Path.Combine(folder, WeightsFile);
        if (!File.Exists(weightsPath))
        {
            throw new FileNotFoundException($"{weightsPath}: missing; the feature classifier folder is incomplete (delete it to retrain).", weightsPath);
        }

        TorchRuntime.EnsureLoaded();
        var classifier = new FeatureClassifier(info.Config);
        try
        {
            using var stream = new FileStream(weightsPath, FileMode.Open, FileAccess.Read, FileShare.Read);
            using var reader = new BinaryReader(stream);
            classifier.load(reader, strict: true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or InvalidDataException or OverflowException or FormatException)
        {
            classifier.Dispose();
            throw new InvalidDataException($"{weightsPath}: expected the weights of the classifier in {InfoFile}; {e.Message.ReplaceLineEndings(" ").TrimEnd('.')} (delete the folder to retrain).", e);
        }

        classifier.eval();
        return new StoredFeatureClassifier(classifier, info);
    }

    /// <inheritdoc />
    public void Dispose() => Classifier.Dispose();

    /// <summary>A 1 x H x W network for flat rows of a square number of values, or C x H x W for image data.</summary>
    private static FeatureClassifierConfig ConfigFor(TensorDataset data)
    {
        int classes = Math.Max(2, data.ClassCount);
        long[] shape = data.SampleShape;
        if (shape.Length == 3)
        {
            return new FeatureClassifierConfig { Channels = (int)shape[0], Height = (int)shape[1], Width = (int)shape[2], Classes = classes };
        }

        int side = (int)Math.Round(Math.Sqrt(data.SampleSize));
        if ((long)side * side != data.SampleSize)
        {
            throw data.Refusal("sample shape", $"expected images (C x H x W, or a square number of values), as the feature classifier takes; found [{string.Join(", ", data.SampleShape)}] ({data.SampleSize} values).");
        }

        return new FeatureClassifierConfig { Height = side, Width = side, Classes = classes };
    }
}
