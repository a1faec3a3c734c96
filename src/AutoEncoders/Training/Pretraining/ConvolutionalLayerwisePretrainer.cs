using AutoEncoders.Models.Convolutional;
using AutoEncoders.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using TensorDataset = AutoEncoders.Data.TensorDataset;

namespace AutoEncoders.Training.Pretraining;

/// <summary>
/// Greedy layer-wise pretraining of a stacked convolutional autoencoder (Masci et al., 2011), the stacked
/// convolutional denoising autoencoder being the case where every stage's objective has a corruption. The same two
/// ways as the dense stack (<see cref="PretrainingMode"/>), the same per-stage settings
/// (<see cref="LayerwisePretrainingOptions.LayerSettings"/>, one entry per stage), optional end-to-end
/// fine-tuning; the stack comes from <see cref="LayerwisePretrainingOptions.Convolutional"/>.
/// </summary>
public static class ConvolutionalLayerwisePretrainer
{
    /// <summary>
    /// Pretrains the stack of <paramref name="options"/> on the images of <paramref name="data"/> (labels are
    /// ignored). <paramref name="codesCached"/> receives each stage's cached codes (stage index, [N, C, H, W]).
    /// </summary>
    /// <exception cref="ArgumentException">No convolutional stack, a stage that does not return to its input shape, or data of another size.</exception>
    public static ConvolutionalPretrainingResult Pretrain(TensorDataset data, LayerwisePretrainingOptions options, Action<int, Tensor>? codesCached = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        ConvolutionalStackSpec stack = options.Convolutional
            ?? throw new ArgumentException("pretraining: convolutional is not set; describe the stack as \"convolutional\": { \"channels\", \"height\", \"width\", \"stages\": [...] } or use LayerwisePretrainer for dense layers.", nameof(options));
        options.Validate();
        long[] shape = stack.InputShape;
        if (data.SampleSize != shape.Aggregate(1L, (a, b) => a * b))
        {
            throw data.Refusal("sample shape", $"expected images [{string.Join(", ", shape)}], as the convolutional stack takes; found [{string.Join(", ", data.SampleShape)}].");
        }

        ConvolutionalAutoencoderConfig config = stack.DeepConfig();
        var deep = (ConvolutionalAutoencoder)config.Build();
        try
        {
            using TensorDataset images = data.Reshaped(shape);
            (IReadOnlyList<TrainingHistory> histories, TrainingHistory? fineTune) = new ConvolutionalPretrainingStack(deep, stack, options).Run(images, codesCached);
            return new ConvolutionalPretrainingResult { Model = deep, Config = config, StageHistories = histories, FineTuneHistory = fineTune };
        }
        catch
        {
            deep.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A fresh forward pass of <paramref name="input"/> (the input of stage <paramref name="fromStage"/>: images for
    /// stage 0) through the encoders of stages [<paramref name="fromStage"/>, <paramref name="toStage"/>) of
    /// <paramref name="deep"/>, in evaluation mode without gradients, batch by batch.
    /// </summary>
    public static Tensor EncodeThrough(ConvolutionalAutoencoder deep, ConvolutionalStackSpec stack, Tensor input, int fromStage, int toStage)
    {
        ArgumentNullException.ThrowIfNull(deep);
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegative(fromStage);
        ArgumentOutOfRangeException.ThrowIfLessThan(toStage, fromStage);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(toStage, stack.Depth);
        long[] shape = stack.StageInputShape(fromStage);
        Tensor x = input.dim() == 4 ? input : input.reshape([input.shape[0], .. shape]);
        int from = stack.EncoderOffset(fromStage), to = stack.EncoderOffset(toStage);
        return PretrainingStack.Batched(deep, x, h => deep.EncodeSpan(h, from, to));
    }

    /// <summary>
    /// Copies the trained shallow autoencoder of stage <paramref name="stage"/> into <paramref name="deep"/>, layer by
    /// layer through the state-dict keys (<see cref="ConvolutionalStackSpec.DeepKey"/>): weights, biases and batch-norm
    /// running statistics.
    /// </summary>
    public static void CopyStage(ConvolutionalAutoencoder deep, ConvolutionalStackSpec stack, ConvolutionalAutoencoder shallow, int stage)
    {
        ArgumentNullException.ThrowIfNull(deep);
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(shallow);
        Dictionary<string, Tensor> targets = deep.named_parameters().Select(p => (p.name, (Tensor)p.parameter))
            .Concat(deep.named_buffers().Select(b => (b.name, b.buffer)))
            .ToDictionary(p => p.Item1, p => p.Item2);
        using var noGrad = torch.no_grad();
        foreach ((string name, Tensor value) in shallow.named_parameters().Select(p => (p.name, (Tensor)p.parameter)).Concat(shallow.named_buffers().Select(b => (b.name, b.buffer))))
        {
            string key = stack.DeepKey(stage, name);
            if (!targets.TryGetValue(key, out Tensor? target) || !target.shape.SequenceEqual(value.shape))
            {
                throw new InvalidOperationException($"{stack.StageLabel(stage)}: '{name}' [{string.Join(", ", value.shape)}] has no counterpart '{key}' of that shape in the deep model.");
            }

            target.copy_(value);
        }
    }

    /// <summary>The parameters of stage <paramref name="stage"/> inside <paramref name="deep"/>: its encoder layers and its decoder layers.</summary>
    public static Parameter[] StageParameters(ConvolutionalAutoencoder deep, ConvolutionalStackSpec stack, int stage)
    {
        ArgumentNullException.ThrowIfNull(deep);
        ArgumentNullException.ThrowIfNull(stack);
        HashSet<string> prefixes = [.. StageLayerKeys(stack, stage)];
        return [.. deep.named_parameters().Where(p => prefixes.Contains(LayerKey(p.name))).Select(p => p.parameter)];
    }

    /// <summary>Freezes every parameter of <paramref name="deep"/> except those of stage <paramref name="stage"/> (requires_grad false on the others).</summary>
    public static void FreezeAllBut(ConvolutionalAutoencoder deep, ConvolutionalStackSpec stack, int stage)
    {
        ArgumentNullException.ThrowIfNull(deep);
        LayerwisePretrainer.FreezeAllExcept(deep, StageParameters(deep, stack, stage));
    }

    /// <summary>
    /// Trains stage <paramref name="stage"/> inside <paramref name="deep"/> with every other parameter frozen:
    /// <paramref name="stageInput"/> is the cached output of the frozen outer encoders (the images for stage 0),
    /// corrupted as the stage's objective says; the loss compares the reconstruction through the frozen outer
    /// decoders (their batch norms in evaluation mode) with <paramref name="target"/>, the clean images.
    /// <paramref name="run"/> adds callbacks, a checkpoint or a resume.
    /// </summary>
    public static TrainingHistory TrainStackStage(ConvolutionalAutoencoder deep, ConvolutionalStackSpec stack, int stage, Tensor stageInput, Tensor target, PretrainingLayer settings, Action<string>? log = null, StageRun? run = null)
    {
        ArgumentNullException.ThrowIfNull(deep);
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(stageInput);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(settings);
        stack.CheckFrozenStack();
        long[] inputShape = stack.StageInputShape(stage);
        Tensor input = stageInput.dim() == 4 ? stageInput : stageInput.reshape([stageInput.shape[0], .. inputShape]);
        Tensor images = target.dim() == 4 ? target : target.reshape([target.shape[0], .. stack.InputShape]);
        deep.to(TorchRuntime.ParseDevice(settings.Training.Device));
        FreezeAllBut(deep, stack, stage);
        int encoderCount = ((ConvolutionalAutoencoderConfig)deep.Config).Encoder.Count;
        int frozenDecoderFrom = encoderCount + stack.DecoderOffset(stage) + stack.Stages[stage].Decoder.Count;
        int layerCount = encoderCount + ((ConvolutionalAutoencoderConfig)deep.Config).Decoder.Count;
        void EnterTraining()
        {
            deep.train();
            for (int i = frozenDecoderFrom; i < layerCount; i++)
            {
                deep.SetLayerTraining(i, false);
            }
        }

        try
        {
            using var model = new ConvolutionalStackStage(deep, stack, stage);
            return FrozenStageTraining.Train(model, deep, StageParameters(deep, stack, stage), EnterTraining, input, images, settings, stack.StageLabel(stage), log, run);
        }
        finally
        {
            LayerwisePretrainer.Unfreeze(deep);
        }
    }

    private static IEnumerable<string> StageLayerKeys(ConvolutionalStackSpec stack, int stage)
    {
        int encoder = stack.EncoderOffset(stage), decoder = stack.DecoderOffset(stage);
        ConvolutionalStage spec = stack.Stages[stage];
        return Enumerable.Range(encoder, spec.Encoder.Count).Select(i => FormattableString.Invariant($"encoder.{i}"))
            .Concat(Enumerable.Range(decoder, spec.Decoder.Count).Select(i => FormattableString.Invariant($"decoder.{i}")));
    }

    private static string LayerKey(string parameterName) => string.Join('.', parameterName.Split('.').Take(2));
}
