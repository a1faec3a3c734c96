using System.Globalization;
using System.Text.Json.Serialization;

namespace AutoEncoders.Models.Convolutional;

/// <summary>
/// A stacked convolutional autoencoder as a list of stages (Masci et al., 2011, "Stacked Convolutional
/// Auto-Encoders for Hierarchical Feature Extraction"). Stage k takes the code of stage k - 1 (the image for the
/// first) and must return to that shape. The deep model (<see cref="DeepConfig"/>) is an ordinary
/// <see cref="ConvolutionalAutoencoder"/>: the stage encoders in order, then the stage decoders in reverse order.
/// </summary>
public sealed record ConvolutionalStackSpec
{
    /// <summary>Image channels (1 grey, 3 RGB).</summary>
    public int Channels { get; init; } = 1;

    /// <summary>Image height in pixels.</summary>
    public int Height { get; init; } = 28;

    /// <summary>Image width in pixels.</summary>
    public int Width { get; init; } = 28;

    /// <summary>The stages, outermost (closest to the image) first.</summary>
    public IReadOnlyList<ConvolutionalStage> Stages { get; init; } = [];

    /// <summary>Number of stages.</summary>
    [JsonIgnore]
    public int Depth => Stages?.Count ?? 0;

    /// <summary>Shape [C, H, W] of one image.</summary>
    [JsonIgnore]
    public long[] InputShape => [Channels, Height, Width];

    /// <summary>"stage 2" or "stage 2 (name)", for logs and errors.</summary>
    public string StageLabel(int stage) =>
        Stages[stage].Name is { Length: > 0 } name ? $"stage {stage + 1} ({name})" : $"stage {stage + 1}";

    /// <summary>Shape [C, H, W] that stage <paramref name="stage"/> takes and gives back: the image for stage 0, else the previous stage's code.</summary>
    /// <exception cref="ArgumentException">An earlier stage is invalid.</exception>
    public long[] StageInputShape(int stage)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stage);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(stage, Depth);
        long[] shape = InputShape;
        for (int k = 0; k < stage; k++)
        {
            shape = StageConfig(k, shape).CodeShape;
        }

        return shape;
    }

    /// <summary>The shallow autoencoder of stage <paramref name="stage"/> alone, on that stage's input shape.</summary>
    /// <exception cref="ArgumentException">The stage, or an earlier one, does not return to its input shape.</exception>
    public ConvolutionalAutoencoderConfig StageConfig(int stage)
    {
        long[] input = StageInputShape(stage);
        return StageConfig(stage, input);
    }

    /// <summary>
    /// The deep autoencoder: encoders of stages 1..N in order, then decoders of stages N..1, so it saves, loads,
    /// evaluates and summarises like any convolutional model.
    /// </summary>
    public ConvolutionalAutoencoderConfig DeepConfig()
    {
        Validate();
        return Assemble();
    }

    /// <summary>Index in the deep model's encoder of stage <paramref name="stage"/>'s first encoder layer.</summary>
    public int EncoderOffset(int stage) => Stages.Take(stage).Sum(s => s.Encoder.Count);

    /// <summary>Index in the deep model's decoder of stage <paramref name="stage"/>'s first decoder layer (inner stages' decoders come first).</summary>
    public int DecoderOffset(int stage) => Stages.Skip(stage + 1).Sum(s => s.Decoder.Count);

    /// <summary>
    /// The deep model's state-dict key of a shallow stage model's key: "encoder.j.weight" of stage k becomes
    /// "encoder.(offset + j).weight", and likewise for the decoder (batch-norm running statistics included).
    /// </summary>
    public string DeepKey(int stage, string shallowKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(shallowKey);
        string[] parts = shallowKey.Split('.', 3);
        if (parts.Length != 3 || parts[0] is not ("encoder" or "decoder") || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int index))
        {
            throw new ArgumentException($"'{shallowKey}' is not a convolutional autoencoder state key (encoder.N.name or decoder.N.name).", nameof(shallowKey));
        }

        int offset = parts[0] == "encoder" ? EncoderOffset(stage) : DecoderOffset(stage);
        return string.Create(CultureInfo.InvariantCulture, $"{parts[0]}.{index + offset}.{parts[2]}");
    }

    /// <summary>
    /// Checks every stage before any training: each must apply to the previous stage's code and return to its own
    /// input shape, and the assembled deep model must be valid (unique layer names).
    /// </summary>
    /// <exception cref="ArgumentException">Names the stage, its input shape and the shapes after each of its layers.</exception>
    public void Validate()
    {
        if (Channels < 1 || Height < 1 || Width < 1)
        {
            throw new ArgumentException($"convolutional stack: channels, height and width must be positive; found [{Channels}, {Height}, {Width}].");
        }

        if (Stages is null || Stages.Count == 0 || Stages.Any(s => s is null))
        {
            throw new ArgumentException("convolutional stack: stages needs at least one stage, each with an \"encoder\" and a \"decoder\" list of layers.");
        }

        // Each stage alone first, so that a refusal names the stage and its own shapes.
        _ = StageInputShape(Depth);
        try
        {
            Assemble().Validate();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"convolutional stack: the assembled deep model is refused: {e.Message}", e);
        }
    }

    /// <summary>
    /// Frozen-stack pretraining reconstructs through the outer stages' decoders from cached codes, so those decoders
    /// cannot unpool with indices of encoder pooling layers that do not run in the stage's pass.
    /// </summary>
    /// <exception cref="ArgumentException">Names the first outer stage whose decoder unpools.</exception>
    public void CheckFrozenStack()
    {
        for (int k = 0; k < Depth - 1; k++)
        {
            if (Stages[k].Decoder.Any(l => l is MaxUnpool2dSpec))
            {
                throw new ArgumentException(
                    $"convolutional stack: {StageLabel(k)} un-pools with the indices of its encoder's pooling, which the frozen_stack mode does not recompute when it trains the inner stages on cached codes; " +
                    "use mode separate_autoencoders, or upsample/conv_transpose2d in that stage's decoder.");
            }
        }
    }

    /// <summary>
    /// The deep configuration. An unpooling layer that names no pooling layer pairs with the latest pooling layer
    /// of its own stage (worked out on the stage alone); the deep model gets that pairing by name, since its own
    /// rule (latest pooling layer not yet unpooled) would pick an inner stage's pooling layer when that stage
    /// up-samples instead.
    /// </summary>
    private ConvolutionalAutoencoderConfig Assemble()
    {
        var stages = new List<(ConvolutionalAutoencoderConfig Config, IReadOnlyDictionary<int, int> Pairs)>();
        long[] shape = InputShape;
        for (int k = 0; k < Stages.Count; k++)
        {
            ConvolutionalAutoencoderConfig config = StageConfig(k, shape);
            stages.Add((config, config.Infer(throwOnProblem: true).UnpoolToPool));
            shape = config.CodeShape;
        }

        string DeepName(int k, int flat)
        {
            int count = stages[k].Config.Encoder.Count;
            ConvLayerSpec spec = flat < count ? stages[k].Config.Encoder[flat] : stages[k].Config.Decoder[flat - count];
            return spec.Name ?? (flat < count
                ? string.Create(CultureInfo.InvariantCulture, $"encoder.{EncoderOffset(k) + flat}")
                : string.Create(CultureInfo.InvariantCulture, $"decoder.{DecoderOffset(k) + flat - count}"));
        }

        IEnumerable<ConvLayerSpec> Resolved(int k, IReadOnlyList<ConvLayerSpec> layers, int firstFlat) => layers.Select((layer, j) =>
            layer is MaxUnpool2dSpec { Pool: null } unpool ? unpool with { Pool = DeepName(k, stages[k].Pairs[firstFlat + j]) } : layer);

        return new ConvolutionalAutoencoderConfig
        {
            Channels = Channels,
            Height = Height,
            Width = Width,
            Encoder = [.. Enumerable.Range(0, Depth).SelectMany(k => Resolved(k, Stages[k].Encoder, 0))],
            Decoder = [.. Enumerable.Range(0, Depth).Reverse().SelectMany(k => Resolved(k, Stages[k].Decoder, Stages[k].Encoder.Count))],
        };
    }

    private ConvolutionalAutoencoderConfig StageConfig(int stage, long[] input)
    {
        ConvolutionalStage spec = Stages[stage];
        var config = new ConvolutionalAutoencoderConfig
        {
            Channels = (int)input[0],
            Height = (int)input[1],
            Width = (int)input[2],
            Encoder = spec.Encoder ?? [],
            Decoder = spec.Decoder ?? [],
        };
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            string source = stage == 0 ? "the image" : $"the code of {StageLabel(stage - 1)}";
            const string prefix = "model (convolutional): ";
            string why = e.Message.StartsWith(prefix, StringComparison.Ordinal) ? e.Message[prefix.Length..] : e.Message;
            throw new ArgumentException(
                $"convolutional stack: {StageLabel(stage)} takes [{string.Join(", ", input)}] ({source}) and must return to that shape before it can be pretrained: {why}", e);
        }

        return config;
    }
}
