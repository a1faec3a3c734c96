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
    private readonly ConvLayerSpec[] _specs;
    private readonly string[] _names;
    private readonly ModuleList<nn.Module> _encoder = new();
    private readonly ModuleList<nn.Module> _decoder = new();
    private readonly Dictionary<int, int> _unpoolToPool;
    private readonly int _encoderCount;

    /// <summary>Builds the layers of <paramref name="config"/> with PyTorch's default initialisation.</summary>
    /// <exception cref="ArgumentException">The spec is invalid or does not return to the input shape.</exception>
    public ConvolutionalAutoencoder(ConvolutionalAutoencoderConfig config)
        : base("convolutional_autoencoder")
    {
        ArgumentNullException.ThrowIfNull(config);
        ConvShapeInference shapes = config.Infer(throwOnProblem: true);
        _config = config;
        _specs = [.. config.Encoder, .. config.Decoder];
        _names = [.. ConvShapeInference.LayerNames(config)];
        _unpoolToPool = new Dictionary<int, int>(shapes.UnpoolToPool);
        _encoderCount = config.Encoder.Count;
        for (int i = 0; i < _specs.Length; i++)
        {
            long inChannels = shapes.Rows[i].Shape[0];
            MaxPool2dSpec? pairedPool = _unpoolToPool.TryGetValue(i, out int poolIndex) ? (MaxPool2dSpec)_specs[poolIndex] : null;
            nn.Module module = CreateModule(_specs[i], inChannels, pairedPool);
            (i < _encoderCount ? _encoder : _decoder).Add(module);
        }

        register_module("encoder", _encoder);
        register_module("decoder", _decoder);
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
            (Tensor output, Tensor? pre) = RunLayer(i, h, pooled);
            hidden.Add(new HiddenActivation(_names[i], h, pre, output, LayerActivation(_specs[i]), Weight: null));
            h = output;
        }

        Tensor code = h;
        Tensor? logits = null;
        for (int i = _encoderCount + decoderFrom; i < _specs.Length; i++)
        {
            (h, Tensor? pre) = RunLayer(i, h, pooled);
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
            h = RunLayer(i, h, pooled).Output;
        }

        return h;
    }

    /// <summary>Switches the module of layer <paramref name="index"/> (flat: encoder then decoder) between training and evaluation mode.</summary>
    internal void SetLayerTraining(int index, bool on) => ModuleAt(index).train(on);

    /// <inheritdoc />
    public override Tensor Encode(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        var pooled = new Dictionary<int, (Tensor Indices, long[] Size)>();
        Tensor h = ToImages(input);
        for (int i = 0; i < _encoderCount; i++)
        {
            h = RunLayer(i, h, pooled).Output;
        }

        return h.MoveToOuterDisposeScope();
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
        for (int i = _encoderCount; i < _specs.Length; i++)
        {
            h = RunLayer(i, h, pooled).Output;
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
        var rows = new List<ModelSummaryRow>(_specs.Length);
        var pooled = new Dictionary<int, (Tensor Indices, long[] Size)>();
        Tensor h = ToImages(sample);
        for (int i = 0; i < _specs.Length; i++)
        {
            h = RunLayer(i, h, pooled).Output;
            nn.Module module = ModuleAt(i);
            rows.Add(new ModelSummaryRow(_names[i], DisplayType(_specs[i]), h.shape[1..], module.parameters().Sum(p => p.numel())));
        }

        return rows;
    }

    private static string DisplayType(ConvLayerSpec spec) => spec switch
    {
        Conv2dSpec conv => conv.Activation == Activation.Linear ? "Conv2d" : $"Conv2d+{ActivationFunction.Name(conv.Activation)}",
        ConvTranspose2dSpec deconv => deconv.Activation == Activation.Linear ? "ConvTranspose2d" : $"ConvTranspose2d+{ActivationFunction.Name(deconv.Activation)}",
        MaxPool2dSpec => "MaxPool2d",
        MaxUnpool2dSpec => "MaxUnpool2d",
        UpsampleSpec up => up.Mode == UpsamplingMode.Nearest ? "Upsample" : "Upsample(bilinear)",
        BatchNorm2dSpec => "BatchNorm2d",
        ActivationSpec activation => $"Activation({ActivationFunction.Name(activation.Function)})",
        _ => spec.TypeName,
    };

    private static Activation LayerActivation(ConvLayerSpec spec) => spec switch
    {
        Conv2dSpec conv => conv.Activation,
        ConvTranspose2dSpec deconv => deconv.Activation,
        ActivationSpec activation => activation.Function,
        _ => Activation.Linear,
    };

    private static nn.Module CreateModule(ConvLayerSpec spec, long inChannels, MaxPool2dSpec? pairedPool) => spec switch
    {
        // "same" padding for stride 1 and an odd kernel is symmetric and fixed; otherwise it depends on the input
        // size and is applied with F.pad before an unpadded convolution.
        Conv2dSpec conv => nn.Conv2d(
            inChannels,
            conv.Filters,
            conv.KernelSize,
            stride: conv.Stride,
            padding: SymmetricSame(conv) ? conv.KernelSize / 2 : conv.Padding.IsSame ? 0 : conv.Padding.Amount,
            bias: conv.Bias),
        ConvTranspose2dSpec deconv => nn.ConvTranspose2d(
            inChannels, deconv.Filters, deconv.KernelSize, stride: deconv.Stride, padding: deconv.Padding, output_padding: deconv.OutputPadding, bias: deconv.Bias),
        MaxPool2dSpec pool => nn.MaxPool2d(pool.KernelSize, stride: pool.EffectiveStride, padding: pool.Padding, ceil_mode: pool.CeilMode),
        MaxUnpool2dSpec => nn.MaxUnpool2d(pairedPool!.KernelSize, stride: pairedPool.EffectiveStride, padding: pairedPool.Padding),
        UpsampleSpec up => nn.Upsample(
            scale_factor: [up.ScaleFactor, up.ScaleFactor],
            mode: up.Mode == UpsamplingMode.Bilinear ? UpsampleMode.Bilinear : UpsampleMode.Nearest,
            align_corners: up.Mode == UpsamplingMode.Bilinear ? false : null),
        BatchNorm2dSpec norm => nn.BatchNorm2d(inChannels, eps: norm.Epsilon, momentum: norm.Momentum),
        ActivationSpec => nn.Identity(),
        _ => throw new NotSupportedException($"Layer kind {spec.GetType().Name} has no module."),
    };

    private static bool SymmetricSame(Conv2dSpec conv) => conv.Padding.IsSame && conv.Stride == 1 && conv.KernelSize % 2 == 1;

    private nn.Module ModuleAt(int i) => i < _encoderCount ? _encoder[i] : _decoder[i - _encoderCount];

    /// <summary>Runs layer <paramref name="i"/>; returns its output and, for layers with an activation, the pre-activation.</summary>
    private (Tensor Output, Tensor? PreActivation) RunLayer(int i, Tensor x, Dictionary<int, (Tensor Indices, long[] Size)> pooled)
    {
        nn.Module module = ModuleAt(i);
        switch (_specs[i])
        {
            case Conv2dSpec conv:
                {
                    Tensor input = x;
                    if (conv.Padding.IsSame && !SymmetricSame(conv))
                    {
                        (long top, long bottom) = conv.Padding.Along(x.shape[2], conv.KernelSize, conv.Stride);
                        (long left, long right) = conv.Padding.Along(x.shape[3], conv.KernelSize, conv.Stride);
                        input = nn.functional.pad(x, [left, right, top, bottom]);
                    }

                    Tensor z = ((Conv2d)module).call(input);
                    return conv.Activation == Activation.Linear ? (z, null) : (ActivationFunction.Apply(conv.Activation, z), z);
                }

            case ConvTranspose2dSpec deconv:
                {
                    Tensor z = ((ConvTranspose2d)module).call(x);
                    return deconv.Activation == Activation.Linear ? (z, null) : (ActivationFunction.Apply(deconv.Activation, z), z);
                }

            case MaxPool2dSpec:
                {
                    var pool = (MaxPool2d)module;
                    if (!_unpoolToPool.ContainsValue(i))
                    {
                        return (pool.call(x), null);
                    }

                    (Tensor output, Tensor indices) = pool.forward_with_indices(x);
                    pooled[i] = (indices, x.shape);
                    return (output, null);
                }

            case MaxUnpool2dSpec:
                {
                    int poolIndex = _unpoolToPool[i];
                    if (!pooled.TryGetValue(poolIndex, out (Tensor Indices, long[] Size) record))
                    {
                        throw new InvalidOperationException($"Layer {_names[i]} (max_unpool2d) needs the indices of {_names[poolIndex]}, which has not run in this pass.");
                    }

                    // TorchSharp 0.107 refuses a 2-element output_size ("has a length of '0'"); the full
                    // [B, C, H, W] of the pooling layer's input works.
                    return (((MaxUnpool2d)module).call(x, record.Indices, record.Size), null);
                }

            case UpsampleSpec:
                return (((Upsample)module).call(x), null);

            case BatchNorm2dSpec:
                return (((BatchNorm2d)module).call(x), null);

            case ActivationSpec activation:
                return (ActivationFunction.Apply(activation.Function, x), x);

            default:
                throw new NotSupportedException($"Layer {_names[i]} of kind {_specs[i].GetType().Name} cannot run.");
        }
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
