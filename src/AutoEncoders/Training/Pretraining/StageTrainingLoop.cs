using System.Diagnostics;
using System.Globalization;
using AutoEncoders.Models;
using AutoEncoders.Objectives;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoders.Training.Pretraining;

/// <summary>
/// The training loop of one frozen-stack stage, shared by dense and convolutional stacks: the stage's input is the
/// cached output of the frozen encoders (the data itself for the outermost stage), corrupted as the objective
/// says; the loss compares the reconstruction through the frozen outer decoders with the clean data.
/// </summary>
internal static class StageTrainingLoop
{
    /// <summary>
    /// Trains <paramref name="trainable"/> (the stage's parameters; every other one is frozen by the caller) through
    /// <paramref name="stage"/>. <paramref name="enterTraining"/> puts the modules in the right mode (frozen batch
    /// norms in evaluation mode). <paramref name="label"/> starts each log line, e.g. "layer 2".
    /// </summary>
    public static TrainingHistory Train(
        Autoencoder stage,
        Parameter[] trainable,
        Action enterTraining,
        Tensor stageInput,
        Tensor target,
        PretrainingLayer settings,
        string label,
        Action<string>? log)
    {
        TrainerOptions options = settings.Training;
        options.Validate();
        if (options.Schedule is not null || options.EarlyStopping is not null || options.ValidationSplit > 0)
        {
            throw new ArgumentException("Frozen-stack pretraining uses a constant learning rate on all the data: remove schedule, earlyStopping and validationSplit from the layer's training settings (or use the separate-autoencoders mode).");
        }

        Objective objective = settings.Objective;
        objective.Validate();
        objective.ResetState();
        Device device = Runtime.TorchRuntime.ParseDevice(options.Device);
        using optim.Optimizer optimizer = options.Optimizer.Create(trainable);
        using var shuffle = new Generator((ulong)options.Seed);
        using var noise = new Generator((ulong)options.Seed + 1);
        torch.manual_seed(options.Seed);
        IReadOnlyList<string> names = [.. objective.TermNames.Prepend("loss")];
        var history = new TrainingHistory { Metrics = names };
        long count = stageInput.shape[0];
        enterTraining();
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            double[] sums = new double[names.Count];
            using Tensor order = options.Shuffle ? torch.randperm(count, generator: shuffle) : torch.arange(count);
            long step = 0;
            for (long start = 0; start < count; start += options.BatchSize)
            {
                using var scope = torch.NewDisposeScope();
                long size = Math.Min(options.BatchSize, count - start);
                Tensor index = order.narrow(0, start, size);
                Tensor clean = stageInput.index_select(0, index).to(device);
                Tensor input = objective.Corruption?.Apply(clean, noise) ?? clean;
                if (objective.NeedsInputGradient)
                {
                    input = input.detach().requires_grad_(true);
                }

                optimizer.zero_grad();
                AutoencoderOutput output = stage.forward(input);
                ObjectiveValue value = objective.Compute(new LossContext
                {
                    Model = stage,
                    Target = target.index_select(0, index).to(device),
                    Input = input,
                    Output = output,
                    Training = true,
                    Epoch = epoch,
                    Step = step++,
                });
                using Tensor stacked = torch.stack(value.Terms.Prepend(value.Total).Select(t => t.detach().to_type(ScalarType.Float64)).ToArray()).cpu();
                double[] host = stacked.data<double>().ToArray();
                if (host.Any(v => !double.IsFinite(v)))
                {
                    throw new NonFiniteLossException(epoch + 1, step, step, names[Array.FindIndex(host, v => !double.IsFinite(v))], host.First(v => !double.IsFinite(v)));
                }

                value.Total.backward();
                if (options.GradientClipNorm is double maxNorm)
                {
                    nn.utils.clip_grad_norm_(trainable, maxNorm);
                }

                optimizer.step();
                for (int i = 0; i < host.Length; i++)
                {
                    sums[i] += host[i] * size;
                }
            }

            double seconds = clock.Elapsed.TotalSeconds;
            var record = new EpochRecord
            {
                Epoch = epoch + 1,
                Train = names.Select((n, i) => (n, v: sums[i] / count)).ToDictionary(p => p.n, p => p.v),
                LearningRate = options.Optimizer.LearningRate,
                Seconds = seconds,
                SamplesPerSecond = count / Math.Max(seconds, 1e-9),
            };
            history.Epochs.Add(record);
            log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{label} (frozen stack) epoch {epoch + 1}/{options.Epochs}: loss {record.Train["loss"]:G5} ({seconds:F1} s)"));
        }

        return history;
    }
}
