using System.Globalization;
using AutoEncoders.Models;
using AutoEncoders.Objectives;
using TorchSharp;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Training.Pretraining;

/// <summary>
/// The greedy layer-wise algorithm once for every kind of stack (Bengio et al., 2007; Masci et al., 2011): the
/// separate-autoencoders and frozen-stack drivers, code caching and fine-tuning. Subclasses say how a stage's
/// shallow autoencoder is built and copied into the deep model, how a stage encodes, and how a frozen stage trains.
/// </summary>
internal abstract class PretrainingStack(Autoencoder deep, LayerwisePretrainingOptions options)
{
    /// <summary>Samples per batch when codes are computed for the cache.</summary>
    protected const int EncodingBatch = 1024;

    /// <summary>The deep autoencoder being assembled.</summary>
    public Autoencoder Deep { get; } = deep;

    /// <summary>The run's settings.</summary>
    public LayerwisePretrainingOptions Options { get; } = options;

    /// <summary>Number of stages (encoder layers of a dense stack).</summary>
    public abstract int Depth { get; }

    /// <summary>"layer" or "stage", for log lines.</summary>
    protected abstract string Unit { get; }

    /// <summary>Runs the stages in the configured mode, then the optional fine-tuning, on <paramref name="data"/> shaped as the deep model takes it.</summary>
    public (IReadOnlyList<TrainingHistory> Stages, TrainingHistory? FineTune) Run(TensorDataset data, Action<int, Tensor>? codesCached)
    {
        IReadOnlyList<TrainingHistory> histories = Options.Mode == PretrainingMode.SeparateAutoencoders
            ? PretrainSeparately(data, codesCached)
            : PretrainFrozen(data, codesCached);
        TrainingHistory? fineTune = null;
        if (Options.FineTune is TrainerOptions fineTuneOptions)
        {
            Objective objective = Options.FineTuneObjective ?? new Objective { Reconstruction = Options.Layer(0).Objective.Reconstruction };
            using var trainer = new Trainer(Deep, objective, fineTuneOptions);
            AddCallbacks(trainer, "fine-tune");
            fineTune = trainer.Fit(data);
            Options.Log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"fine-tune: {fineTune.Epochs.Count} epochs, loss {fineTune.Last?.Train["loss"]:G5}"));
        }

        return (histories, fineTune);
    }

    /// <summary>Runs <paramref name="step"/> on <paramref name="input"/> batch by batch, in evaluation mode without gradients (<see cref="BatchedInference"/>).</summary>
    public static Tensor Batched(nn.Module model, Tensor input, Func<Tensor, Tensor> step, int batchSize = EncodingBatch) => BatchedInference.Map(model, input, step, batchSize);

    /// <summary>What stage <paramref name="stage"/> maps, e.g. "784-500" or "[16, 14, 14] -> [8, 7, 7]".</summary>
    protected abstract string Describe(int stage);

    /// <summary>A fresh shallow autoencoder for stage <paramref name="stage"/> on its own input.</summary>
    protected abstract Autoencoder BuildShallow(int stage);

    /// <summary>Copies the trained shallow autoencoder of stage <paramref name="stage"/> into the deep model.</summary>
    protected abstract void CopyFromShallow(Autoencoder shallow, int stage);

    /// <summary>The codes of the trained shallow autoencoder for <paramref name="input"/> (evaluation mode).</summary>
    protected abstract Tensor EncodeWithShallow(Autoencoder shallow, Tensor input);

    /// <summary>The output of the deep model's stage-<paramref name="stage"/> encoder for its cached input (evaluation mode).</summary>
    protected abstract Tensor EncodeStage(int stage, Tensor input);

    /// <summary>Trains stage <paramref name="stage"/> inside the deep model with everything else frozen.</summary>
    protected abstract TrainingHistory TrainFrozenStage(int stage, Tensor stageInput, Tensor target, PretrainingLayer settings, StageRun run);

    private string Label(int stage) => string.Create(CultureInfo.InvariantCulture, $"{Unit} {stage + 1}/{Depth}");

    private void AddCallbacks(Trainer trainer, string label)
    {
        foreach (ITrainingCallback callback in Options.Callbacks?.Invoke(label) ?? [])
        {
            trainer.Callbacks.Add(callback);
        }
    }

    private List<TrainingHistory> PretrainSeparately(TensorDataset data, Action<int, Tensor>? codesCached)
    {
        var histories = new List<TrainingHistory>();
        TensorDataset current = data;
        try
        {
            for (int k = 0; k < Depth; k++)
            {
                PretrainingLayer settings = Options.Layer(k);
                using Autoencoder shallow = BuildShallow(k);
                TrainingHistory history;
                using (var trainer = new Trainer(shallow, settings.Objective, settings.Training))
                {
                    AddCallbacks(trainer, Label(k));
                    history = trainer.Fit(current);
                }

                histories.Add(history);
                Options.Log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{Unit} {k + 1}/{Depth} ({Describe(k)}, separate autoencoder): {history.Epochs.Count} epochs, loss {history.Last?.Train["loss"]:G5}"));
                CopyFromShallow(shallow, k);
                if (k < Depth - 1)
                {
                    // Encode once and cache: the next autoencoder trains on these codes, never recomputing them.
                    Tensor codes = EncodeWithShallow(shallow, current.Features);
                    codesCached?.Invoke(k, codes);
                    TensorDataset next = new(codes, current.Labels?.clone(), current.ClassNames, $"{data.Name} codes of {Unit} {k + 1}");
                    if (!ReferenceEquals(current, data))
                    {
                        current.Dispose();
                    }

                    current = next;
                }
            }
        }
        finally
        {
            if (!ReferenceEquals(current, data))
            {
                current.Dispose();
            }
        }

        return histories;
    }

    private List<TrainingHistory> PretrainFrozen(TensorDataset data, Action<int, Tensor>? codesCached)
    {
        var histories = new List<TrainingHistory>();
        Tensor cached = data.Features;
        try
        {
            for (int k = 0; k < Depth; k++)
            {
                TrainingHistory history = TrainFrozenStage(k, cached, data.Features, Options.Layer(k), new StageRun { Callbacks = [.. Options.Callbacks?.Invoke(Label(k)) ?? []] });
                histories.Add(history);
                Options.Log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{Unit} {k + 1}/{Depth} ({Describe(k)}, frozen stack): {history.Epochs.Count} epochs, loss {history.Last?.Train["loss"]:G5}"));
                if (k < Depth - 1)
                {
                    // The encoders of stages 0..k are frozen from now on, so their output is computed once for all later stages.
                    Tensor next = EncodeStage(k, cached);
                    codesCached?.Invoke(k, next);
                    if (!ReferenceEquals(cached, data.Features))
                    {
                        cached.Dispose();
                    }

                    cached = next;
                }
            }
        }
        finally
        {
            if (!ReferenceEquals(cached, data.Features))
            {
                cached.Dispose();
            }
        }

        return histories;
    }
}
