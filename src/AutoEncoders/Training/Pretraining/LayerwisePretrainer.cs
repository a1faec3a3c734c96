using AutoEncoders.Models;
using AutoEncoders.Models.Dense;
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
            throw data.Refusal("sample shape", $"expected {options.Layers[0]} values per sample, as the first pretraining layer takes; found {data.SampleSize} ([{string.Join(", ", data.SampleShape)}]).");
        }

        DenseAutoencoderConfig config = StackConfig(options);
        var stack = (DenseAutoencoder)config.Build();
        try
        {
            using TensorDataset flat = data.Flattened();
            (IReadOnlyList<TrainingHistory> histories, TrainingHistory? fineTune) = new DensePretrainingStack(stack, options).Run(flat, codesCached);
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

        return PretrainingStack.Batched(model, input.reshape(input.shape[0], -1), h =>
        {
            for (int i = 0; i < layers; i++)
            {
                h = ActivationFunction.Apply(config.EncoderActivation(i), model.EncoderLayer(i).forward(h));
            }

            return h;
        }, batchSize);
    }

    /// <summary>
    /// Freezes every parameter of <paramref name="stack"/> except encoder layer <paramref name="layer"/> and its
    /// mirrored decoder layer (requires_grad false on the others).
    /// </summary>
    public static void FreezeAllBut(DenseAutoencoder stack, int layer)
    {
        ArgumentNullException.ThrowIfNull(stack);
        FreezeAllExcept(stack, StageParameters(stack, layer));
    }

    /// <summary>Sets requires_grad false on every parameter of <paramref name="module"/>, then true on <paramref name="trainable"/>.</summary>
    internal static void FreezeAllExcept(nn.Module module, IEnumerable<Parameter> trainable)
    {
        foreach (Parameter p in module.parameters())
        {
            p.requires_grad = false;
        }

        foreach (Parameter p in trainable)
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
    /// through the frozen outer decoders with <paramref name="target"/> (the clean data). <paramref name="run"/> adds
    /// callbacks, a checkpoint or a resume.
    /// </summary>
    public static TrainingHistory TrainStackStage(DenseAutoencoder stack, int layer, Tensor stageInput, Tensor target, PretrainingLayer settings, Action<string>? log = null, StageRun? run = null)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(stageInput);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(settings);
        Device device = TorchRuntime.ParseDevice(settings.Training.Device);
        stack.to(device);
        FreezeAllBut(stack, layer);
        try
        {
            using var stage = new StackStage(stack, layer);
            return FrozenStageTraining.Train(stage, stack, StageParameters(stack, layer), () => stack.train(), stageInput, target.reshape(target.shape[0], -1), settings, $"layer {layer + 1}", log, run);
        }
        finally
        {
            Unfreeze(stack);
        }
    }

    private static Activation OutputActivation(LayerwisePretrainingOptions options, int layer) =>
        options.Layer(layer).OutputActivation ?? (layer == 0 ? Activation.Sigmoid : options.Layer(layer - 1).Activation);

    private static Parameter[] StageParameters(DenseAutoencoder stack, int layer)
    {
        Linear encoder = stack.EncoderLayer(layer);
        int mirror = stack.EncoderDepth - 1 - layer;
        return [encoder.weight!, encoder.bias!, (Parameter)stack.DecoderWeight(mirror), (Parameter)stack.DecoderBias(mirror)];
    }
}
