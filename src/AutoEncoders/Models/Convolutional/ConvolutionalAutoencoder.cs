using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoders.Models.Convolutional;

/// <summary>
/// Convolutional autoencoder built from a <see cref="ConvolutionalAutoencoderConfig"/>. Accepts images
/// [B, C, H, W] or flattened rows [B, C*H*W] and returns the reconstruction in the input's shape. Every encoder
/// layer is exposed as a <see cref="HiddenActivation"/> (without a weight matrix), the last one being the code, so
/// activity penalties apply to convolutional codes too.
/// </summary>
public sealed class ConvolutionalAutoencoder : Autoencoder, ILayerSummarySource
{
    private readonly ConvolutionalAutoencoderConfig _config;
    private readonly ConvLayerStack _layers;
    private readonly IReadOnlyList<ConvLayerSpec> _specs;
    private readonly IReadOnlyList<string> _names;
    private readonly IReadOnlyDictionary<int, int> _unpoolToPool;
    private readonly int _encoderCount;

    /// <summary>Builds the layers of <paramref name="config"/> with PyTorch's default initialisation.</summary>
    /// <exception cref="ArgumentException">The spec is invalid or does not return to the input shape.</exception>
    public ConvolutionalAutoencoder(ConvolutionalAutoencoderConfig config)
        : base("convolutional_autoencoder")
    {
        ArgumentNullException.ThrowIfNull(config);
        ConvShapeInference shapes = config.Infer(throwOnProblem: true);
        _config = config;
        _layers = new ConvLayerStack(config.Encoder, config.Decoder, shapes);
        _specs = _layers.Specs;
        _names = _layers.Names;
        _unpoolToPool = _layers.UnpoolToPool;
        _encoderCount = _layers.EncoderCount;
        register_module("encoder", _layers.Encoder);
        register_module("decoder", _layers.Decoder);
    }

    /// <inheritdoc />
    public override ModelConfig Config => _config;

    /// <summary>True when the decoder unpools with indices of encoder pooling layers, so <see cref="Decode"/> cannot run on a code alone.</summary>
    public bool DecoderNeedsEncoderIndices => _unpoolToPool.Any(p => p.Key >= _encoderCount && p.Value < _encoderCount);

    /// <inheritdoc />
    public override AutoencoderOutput forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Tensor x = ToImages(input);
        AutoencoderOutput output = RunSpan(x, 0, _encoderCount, 0);
        CheckOutputShape(output.Reconstruction, x);
        return new AutoencoderOutput
        {
            Reconstruction = output.Reconstruction.reshape(input.shape),
            Logits = output.Logits?.reshape(input.shape),
            Code = output.Code,
            Hidden = output.Hidden,
        };
    }

    /// <summary>
    /// Runs encoder layers [<paramref name="encoderFrom"/>, <paramref name="encoderTo"/>) on images
    /// <paramref name="x"/> and then decoder layers <paramref name="decoderFrom"/> to the last: one stage of a
    /// stacked convolutional autoencoder reconstructing the data through the outer decoders. The full range is
    /// the ordinary forward pass. Unpooling layers need their pooling layer inside the span.
    /// </summary>
    internal AutoencoderOutput RunSpan(Tensor x, int encoderFrom, int encoderTo, int decoderFrom)
    {
        var pooled = new Dictionary<int, (Tensor Indices, long[] Size)>();
        var hidden = new List<HiddenActivation>(encoderTo - encoderFrom);
        Tensor h = x;
        for (int i = encoderFrom; i < encoderTo; i++)
        {
            (Tensor output, Tensor? pre) = _layers.RunLayer(i, h, pooled);
            hidden.Add(new HiddenActivation(_names[i], h, pre, output, ConvLayerStack.LayerActivation(_specs[i]), Weight: null));
            h = output;
        }

        Tensor code = h;
        Tensor? logits = null;
        for (int i = _encoderCount + decoderFrom; i < _specs.Count; i++)
        {
            (h, Tensor? pre) = _layers.RunLayer(i, h, pooled);
            logits = pre;
        }

        bool sigmoid = _config.OutputActivation == Activation.Sigmoid;
        return new AutoencoderOutput
        {
            Reconstruction = h,
            Logits = sigmoid ? logits : null,
            Code = code,
            Hidden = hidden,
        };
    }

    /// <summary>Runs encoder layers [<paramref name="from"/>, <paramref name="to"/>) on <paramref name="x"/> (images or codes of layer from - 1).</summary>
    internal Tensor EncodeSpan(Tensor x, int from, int to)
    {
        var pooled = new Dictionary<int, (Tensor Indices, long[] Size)>();
        Tensor h = x;
        for (int i = from; i < to; i++)
        {
            h = _layers.RunLayer(i, h, pooled).Output;
        }

        return h;
    }

    /// <summary>Switches the module of layer <paramref name="index"/> (flat: encoder then decoder) between training and evaluation mode.</summary>
    internal void SetLayerTraining(int index, bool on) => _layers.ModuleAt(index).train(on);

    /// <inheritdoc />
    public override Tensor Encode(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        return EncodeSpan(ToImages(input), 0, _encoderCount).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The decoder unpools with the indices of encoder pooling layers (see <see cref="DecoderNeedsEncoderIndices"/>).</exception>
    public override Tensor Decode(Tensor code)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (DecoderNeedsEncoderIndices)
        {
            KeyValuePair<int, int> pair = _unpoolToPool.First(p => p.Key >= _encoderCount && p.Value < _encoderCount);
            throw new InvalidOperationException(
                $"The decoder layer {_names[pair.Key]} (max_unpool2d) puts values back at the positions recorded by the encoder layer {_names[pair.Value]} (max_pool2d), " +
                "which only a forward pass from an image provides; use Reconstruct or forward, or replace the unpooling with upsample or conv_transpose2d to decode codes alone.");
        }

        using var scope = torch.NewDisposeScope();
        long[] codeShape = _config.CodeShape;
        Tensor h = code.dim() == 2 ? code.reshape([code.shape[0], .. codeShape]) : code;
        var pooled = new Dictionary<int, (Tensor Indices, long[] Size)>();
        for (int i = _encoderCount; i < _specs.Count; i++)
        {
            h = _layers.RunLayer(i, h, pooled).Output;
        }

        return h.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor Reconstruct(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        return forward(input).Reconstruction.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public IReadOnlyList<ModelSummaryRow> TraceLayers(Tensor sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        using var scope = torch.NewDisposeScope();
        var rows = new List<ModelSummaryRow>(_specs.Count);
        var pooled = new Dictionary<int, (Tensor Indices, long[] Size)>();
        Tensor h = ToImages(sample);
        for (int i = 0; i < _specs.Count; i++)
        {
            h = _layers.RunLayer(i, h, pooled).Output;
            rows.Add(new ModelSummaryRow(_names[i], ConvLayerStack.DisplayType(_specs[i]), h.shape[1..], _layers.ParameterCount(i)));
        }

        return rows;
    }

    private Tensor ToImages(Tensor input)
    {
        long c = _config.Channels, h = _config.Height, w = _config.Width;
        if (input.dim() == 4)
        {
            if (input.shape[1] != c)
            {
                throw new ArgumentException($"The model takes images with {c} channel(s); the input has shape [{string.Join(", ", input.shape)}] ({input.shape[1]} channels).", nameof(input));
            }

            return input;
        }

        long perSample = input.dim() == 0 ? 0 : input.numel() / Math.Max(1, input.shape[0]);
        if (input.dim() < 2 || perSample != c * h * w)
        {
            throw new ArgumentException(
                $"The model takes images [B, {c}, {h}, {w}] or rows [B, {c * h * w}]; the input has shape [{string.Join(", ", input.shape)}].", nameof(input));
        }

        return input.reshape(input.shape[0], c, h, w);
    }

    private void CheckOutputShape(Tensor output, Tensor images)
    {
        if (!output.shape.SequenceEqual(images.shape))
        {
            throw new ArgumentException(
                $"Images of shape [{string.Join(", ", images.shape[1..])}] come back as [{string.Join(", ", output.shape[1..])}]: the model was specified for [{_config.Channels}, {_config.Height}, {_config.Width}] and its down- and up-sampling do not return to other sizes; resize the images or specify the model for their size.");
        }
    }
}
