using System.Globalization;
using System.Text.Json;
using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Objectives;
using AutoEncoders.Objectives.Corruptions;
using AutoEncoders.Persistence;
using AutoEncoders.Runtime;
using AutoEncoders.Training;

namespace AutoEncoders.Tests.Visualization;

/// <summary>
/// Two tiny run directories trained once on 1,000 real digits for a few seconds: a sparse denoising model with an
/// 8-unit sigmoid code, and a plain model with a 2-D linear code. Each holds what `ae train` writes.
/// </summary>
public sealed class TrainedRuns : IDisposable
{
    public static readonly string[] DigitNames = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

    private readonly TempDirectory _folder = new();
    private readonly MnistFixture _mnist = new();

    public TrainedRuns()
    {
        TorchRuntime.EnsureLoaded();
        Sparse = Train("sparse-denoising", new DenseAutoencoderConfig { Layers = [784, 64, 8], CodeActivation = Activation.Sigmoid }, new Objective
        {
            Reconstruction = new BinaryCrossEntropy(),
            Penalties = [new KlSparsityPenalty { Target = 0.1, Weight = 0.05 }],
            Corruption = new GaussianNoise { Factor = 0.3 },
        });
        Plain = Train("plain-2d", new DenseAutoencoderConfig { Layers = [784, 64, 2] }, new Objective { Reconstruction = new BinaryCrossEntropy() });
    }

    /// <summary>The sparse denoising run (8-D sigmoid code).</summary>
    public string Sparse { get; }

    /// <summary>The plain run (2-D linear code).</summary>
    public string Plain { get; }

    /// <summary>Test digits 5000..5499 (not used in training), labelled, with class names.</summary>
    public TensorDataset Test => new(_mnist.Test.Features.narrow(0, 5000, 500), _mnist.Test.Labels!.narrow(0, 5000, 500), DigitNames, "mnist/test[5000:5500]");

    /// <summary>A fresh folder for a test's output.</summary>
    public string NewFolder()
    {
        string path = Path.Combine(_folder.Path, Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose()
    {
        _mnist.Dispose();
        _folder.Dispose();
    }

    private string Train(string name, DenseAutoencoderConfig config, Objective objective)
    {
        TorchRuntime.SetSeed(3);
        var options = new TrainerOptions { Epochs = 3, BatchSize = 50, Seed = 3, Progress = ProgressMode.Silent, Optimizer = new OptimizerOptions { LearningRate = 3e-3 } };
        Autoencoder model = config.Build();
        using TensorDataset train = _mnist.First(1000);
        using TensorDataset validation = _mnist.Test.Slice(1000, 200);
        using var trainer = new Trainer(model, objective, options);
        TrainingHistory history = trainer.Fit(train, validation);
        IReadOnlyDictionary<string, double> metrics = trainer.Evaluate(_mnist.Test.Slice(5000, 500));

        string directory = Path.Combine(_folder.Path, name);
        var manifest = new ModelManifest { Model = config, Objective = objective, Training = options, Data = DataFingerprint.Of(train), ClassNames = DigitNames };
        using (var trained = new TrainedAutoencoder(model, manifest, history))
        {
            trained.Save(directory);
        }

        File.WriteAllText(Path.Combine(directory, "metrics.json"), JsonSerializer.Serialize(metrics));
        var recipe = new Recipe { Name = name, Description = $"Test run {name}, {config.Layers.Count.ToString(CultureInfo.InvariantCulture)} layers.", Model = config, Objective = objective, Training = options };
        File.WriteAllText(Path.Combine(directory, "recipe.json"), recipe.ToJson());
        return directory;
    }
}

/// <summary>Shares one <see cref="TrainedRuns"/> among the test classes that need trained models.</summary>
[CollectionDefinition(Name)]
public sealed class TrainedRunsGroup : ICollectionFixture<TrainedRuns>
{
    public const string Name = "trained runs";
}
