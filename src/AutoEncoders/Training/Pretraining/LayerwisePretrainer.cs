using System.Diagnostics;
using System.Globalization;
using AutoEncoders.Data;
using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
using AutoEncoders.Objectives;
using AutoEncoders.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Training.Pretraining;

/// <summary>
/// Greedy layer-wise pretraining of a deep dense autoencoder (Hinton and Salakhutdinov, 2006; Bengio et al.,
/// 2007), the stacked denoising autoencoder being the case where every layer has a corruption (Vincent et al.,
/// 2010). Two ways, see <see cref="PretrainingMode"/>; optional end-to-end fine-tuning afterwards.
/// </summary>
public static class LayerwisePretrainer
{
    /// <summary>Pretrains the stack described by <paramref name="options"/> on <paramref name="data"/> (labels are ignored).</summary>
    public static LayerwisePretrainingResult Pretrain(TensorDataset data, LayerwisePretrainingOptions options, Action<int, Tensor>? codesCached = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (data.SampleSize != options.Layers[0])
        {
            throw new ArgumentException($"The data '{data.Name}' has {data.SampleSize} values per sample but the first pretraining layer expects {options.Layers[0]}.");
        }

        DenseAutoencoderConfig config = StackConfig(options);
        var stack = (DenseAutoencoder)config.Build();
        try
        {
            using TensorDataset flat = data.Flattened();
            IReadOnlyList<TrainingHistory> histories = options.Mode == PretrainingMode.SeparateAutoencoders
                ? PretrainSeparately(stack, flat, options, codesCached)
                : PretrainFrozenStack(stack, flat, options, codesCached);
            TrainingHistory? fineTune = null;
            if (options.FineTune is TrainerOptions fineTuneOptions)
            {
                Objective objective = options.FineTuneObjective ?? new Objective { Reconstruction = options.Layer(0).Objective.Reconstruction };
                using var trainer = new Trainer(stack, objective, fineTuneOptions);
                fineTune = trainer.Fit(flat);
                options.Log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"fine-tune: {fineTune.Epochs.Count} epochs, loss {fineTune.Last?.Train["loss"]:G5}"));
            }

            return new LayerwisePretrainingResult { Model = stack, Config = config, LayerHistories = histories, FineTuneHistory = fineTune };
        }
        catch
        {
            stack.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The deep autoencoder's configuration: encoder layer k with layer k's activation, decoder layer N-1-k with
    /// layer k's output activation (the decoders of the stack in reverse order).
    /// </summary>
    public static DenseAutoencoderConfig StackConfig(LayerwisePretrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        int depth = options.Layers.Count - 1;
        Activation[] encoder = Enumerable.Range(0, depth).Select(k => options.Layer(k).Activation).ToArray();
        Activation[] decoder = Enumerable.Range(0, depth).Select(i => OutputActivation(options, depth - 1 - i)).ToArray();
        return new DenseAutoencoderConfig { Layers = [.. options.Layers], EncoderActivations = encoder, DecoderActivations = decoder };
    }

    /// <summary>The shallow autoencoder that pretrains layer <paramref name="layer"/>: [n_k, n_k+1] and back.</summary>
    public static DenseAutoencoderConfig ShallowConfig(LayerwisePretrainingOptions options, int layer)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new DenseAutoencoderConfig
        {
            Layers = [options.Layers[layer], options.Layers[layer + 1]],
            EncoderActivations = [options.Layer(layer).Activation],
            DecoderActivations = [OutputActivation(options, layer)],
        };
    }

    /// <summary>
    /// A fresh forward pass of <paramref name="input"/> through the first <paramref name="layers"/> encoder layers
    /// of <paramref name="model"/>, in evaluation mode without gradients, batch by batch.
    /// </summary>
    public static Tensor EncodeThrough(DenseAutoencoder model, Tensor input, int layers, int batchSize = 1024)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegative(layers);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(layers, model.EncoderDepth);
        var config = (DenseAutoencoderConfig)model.Config;
        if (config.BatchNorm || config.Sparsity is not null)
        {
            throw new NotSupportedException("Layer-wise encoding supports dense stacks without batch norm or a hard code sparsity.");
        }

        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            Tensor x = input.reshape(input.shape[0], -1);
            var parts = new List<Tensor>();
            for (long start = 0; start < x.shape[0]; start += batchSize)
            {
                Tensor h = x.narrow(0, start, Math.Min(batchSize, x.shape[0] - start));
                for (int i = 0; i < layers; i++)
                {
                    h = ActivationFunction.Apply(config.EncoderActivation(i), model.EncoderLayer(i).forward(h));
                }

                parts.Add(h);
            }

            return torch.cat(parts).MoveToOuterDisposeScope();
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>
    /// Freezes every parameter of <paramref name="stack"/> except encoder layer <paramref name="layer"/> and its
    /// mirrored decoder layer (requires_grad false on the others).
    /// </summary>
    public static void FreezeAllBut(DenseAutoencoder stack, int layer)
    {
        ArgumentNullException.ThrowIfNull(stack);
        foreach (Parameter p in stack.parameters())
        {
            p.requires_grad = false;
        }

        foreach (Parameter p in StageParameters(stack, layer))
        {
            p.requires_grad = true;
        }
    }

    /// <summary>Makes every parameter of <paramref name="module"/> trainable again.</summary>
    public static void Unfreeze(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        foreach (Parameter p in module.parameters())
        {
            p.requires_grad = true;
        }
    }

    /// <summary>
    /// Trains encoder layer <paramref name="layer"/> and decoder layer N-1-layer of <paramref name="stack"/> with
    /// every other parameter frozen: <paramref name="stageInput"/> is the cached output of the frozen encoders
    /// (the data itself for layer 0), corrupted as the objective says, and the loss compares the reconstruction
    /// through the frozen outer decoders with <paramref name="target"/> (the clean data).
    /// </summary>
    public static TrainingHistory TrainStackStage(DenseAutoencoder stack, int layer, Tensor stageInput, Tensor target, PretrainingLayer settings, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(stageInput);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(settings);
        TrainerOptions options = settings.Training;
        options.Validate();
        if (options.Schedule is not null || options.EarlyStopping is not null || options.ValidationSplit > 0)
        {
            throw new ArgumentException("Frozen-stack pretraining uses a constant learning rate on all the data: remove schedule, earlyStopping and validationSplit from the layer's training settings (or use the separate-autoencoders mode).");
        }

        Objective objective = settings.Objective;
        objective.Validate();
        objective.ResetState();
        Device device = TorchRuntime.ParseDevice(options.Device);
        stack.to(device);
        FreezeAllBut(stack, layer);
        using var stage = new StackStage(stack, layer);
        Parameter[] trainable = StageParameters(stack, layer);
        using optim.Optimizer optimizer = options.Optimizer.Create(trainable);
        using var shuffle = new Generator((ulong)options.Seed);
        using var noise = new Generator((ulong)options.Seed + 1);
        torch.manual_seed(options.Seed);
        IReadOnlyList<string> names = [.. objective.TermNames.Prepend("loss")];
        var history = new TrainingHistory { Metrics = names };
        long count = stageInput.shape[0];
        Tensor flatTarget = target.reshape(count, -1);
        stack.train();
        try
        {
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
                        Target = flatTarget.index_select(0, index).to(device),
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
                log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"layer {layer + 1} (frozen stack) epoch {epoch + 1}/{options.Epochs}: loss {record.Train["loss"]:G5} ({seconds:F1} s)"));
            }
        }
        finally
        {
            Unfreeze(stack);
        }

        return history;
    }

    private static Activation OutputActivation(LayerwisePretrainingOptions options, int layer) =>
        options.Layer(layer).OutputActivation ?? (layer == 0 ? Activation.Sigmoid : options.Layer(layer - 1).Activation);

    private static Parameter[] StageParameters(DenseAutoencoder stack, int layer)
    {
        Linear encoder = stack.EncoderLayer(layer);
        int mirror = stack.EncoderDepth - 1 - layer;
        return [encoder.weight!, encoder.bias!, (Parameter)stack.DecoderWeight(mirror), (Parameter)stack.DecoderBias(mirror)];
    }

    private static List<TrainingHistory> PretrainSeparately(DenseAutoencoder stack, TensorDataset data, LayerwisePretrainingOptions options, Action<int, Tensor>? codesCached)
    {
        var histories = new List<TrainingHistory>();
        int depth = stack.EncoderDepth;
        TensorDataset current = data;
        try
        {
            for (int k = 0; k < depth; k++)
            {
                PretrainingLayer settings = options.Layer(k);
                using var shallow = (DenseAutoencoder)ShallowConfig(options, k).Build();
                TrainingHistory history;
                using (var trainer = new Trainer(shallow, settings.Objective, settings.Training))
                {
                    history = trainer.Fit(current);
                }

                histories.Add(history);
                options.Log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"layer {k + 1}/{depth} ({options.Layers[k]}-{options.Layers[k + 1]}, separate autoencoder): {history.Epochs.Count} epochs, loss {history.Last?.Train["loss"]:G5}"));
                CopyInto(stack, shallow, k);
                if (k < depth - 1)
                {
                    // Encode once and cache: the next autoencoder trains on these codes, never recomputing them.
                    Tensor codes = EncodeThrough(shallow, current.Features, 1);
                    codesCached?.Invoke(k, codes);
                    TensorDataset next = new(codes, current.Labels?.clone(), current.ClassNames, $"{data.Name} codes of layer {k + 1}");
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

    private static List<TrainingHistory> PretrainFrozenStack(DenseAutoencoder stack, TensorDataset data, LayerwisePretrainingOptions options, Action<int, Tensor>? codesCached)
    {
        var histories = new List<TrainingHistory>();
        int depth = stack.EncoderDepth;
        Tensor cached = data.Features;
        try
        {
            for (int k = 0; k < depth; k++)
            {
                TrainingHistory history = TrainStackStage(stack, k, cached, data.Features, options.Layer(k), options.Log);
                histories.Add(history);
                options.Log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"layer {k + 1}/{depth} ({options.Layers[k]}-{options.Layers[k + 1]}, frozen stack): {history.Epochs.Count} epochs, loss {history.Last?.Train["loss"]:G5}"));
                if (k < depth - 1)
                {
                    // The encoders 0..k are frozen from now on, so their output is computed once for all later stages.
                    Tensor next = EncodeLayer(stack, k, cached);
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

    private static Tensor EncodeLayer(DenseAutoencoder stack, int layer, Tensor input)
    {
        var config = (DenseAutoencoderConfig)stack.Config;
        bool wasTraining = stack.training;
        stack.eval();
        try
        {
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            var parts = new List<Tensor>();
            for (long start = 0; start < input.shape[0]; start += 1024)
            {
                Tensor h = input.narrow(0, start, Math.Min(1024, input.shape[0] - start));
                parts.Add(ActivationFunction.Apply(config.EncoderActivation(layer), stack.EncoderLayer(layer).forward(h)));
            }

            return torch.cat(parts).MoveToOuterDisposeScope();
        }
        finally
        {
            stack.train(wasTraining);
        }
    }

    private static void CopyInto(DenseAutoencoder stack, DenseAutoencoder shallow, int layer)
    {
        using var noGrad = torch.no_grad();
        int mirror = stack.EncoderDepth - 1 - layer;
        stack.EncoderLayer(layer).weight!.copy_(shallow.EncoderLayer(0).weight!);
        stack.EncoderLayer(layer).bias!.copy_(shallow.EncoderLayer(0).bias!);
        stack.DecoderWeight(mirror).copy_(shallow.DecoderWeight(0));
        stack.DecoderBias(mirror).copy_(shallow.DecoderBias(0));
    }
}
