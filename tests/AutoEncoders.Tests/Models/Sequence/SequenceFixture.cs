using AutoEncoders.Models.Sequence;
using AutoEncoders.Runtime;
using AutoEncoders.Training;
using TorchSharp;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Tests.Models.Sequence;

/// <summary>An LSTM autoencoder trained once on normal sine waves, with its held-out error before and after training.</summary>
public sealed class SequenceFixture : IDisposable
{
    public const int Steps = 32;

    public SequenceFixture()
    {
        TorchRuntime.EnsureLoaded();
        using var generator = new Generator(2024);
        Train = SineWaves.Normal(256, Steps, generator);
        Validation = SineWaves.Normal(128, Steps, generator);
        Test = SineWaves.Normal(128, Steps, generator);
        Anomalies = SineWaves.Anomalous(64, Steps, generator);
        TorchRuntime.SetSeed(5);
        Model = (SequenceAutoencoder)new SequenceAutoencoderConfig { SequenceLength = Steps, Features = 1, HiddenSize = 32 }.Build();
        InitialMse = Mse(Test);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var trainer = new Trainer(Model, new AutoEncoders.Objectives.Objective(), new TrainerOptions
        {
            Epochs = 20,
            BatchSize = 16,
            GradientClipNorm = 1.0,
            Seed = 5,
            Progress = ProgressMode.Silent,
            Optimizer = new OptimizerOptions { LearningRate = 5e-3 },
        });
        using var data = new TensorDataset(Train.alias(), name: "sines");
        trainer.Fit(data);
        TrainingSeconds = watch.Elapsed.TotalSeconds;
        FinalMse = Mse(Test);
    }

    public SequenceAutoencoder Model { get; }

    public Tensor Train { get; }

    public Tensor Validation { get; }

    public Tensor Test { get; }

    public Tensor Anomalies { get; }

    public double InitialMse { get; }

    public double FinalMse { get; }

    public double TrainingSeconds { get; }

    public double Mse(Tensor series)
    {
        Model.eval();
        using var noGrad = torch.no_grad();
        using Tensor errors = Model.StepErrors(series);
        return errors.mean().item<float>();
    }

    public void Dispose()
    {
        Model.Dispose();
        Train.Dispose();
        Validation.Dispose();
        Test.Dispose();
        Anomalies.Dispose();
    }
}
