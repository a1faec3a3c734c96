using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoders.Models.Convolutional;

/// <summary>
/// The modules of a list of encoder and decoder layer specs and how to run them, shared by the convolutional
/// autoencoder and the convolutional VAE. The owner registers <see cref="Encoder"/> and <see cref="Decoder"/> as
/// its submodules (so state dictionaries name the layers "encoder.i" and "decoder.i"); layers are indexed flat,
/// encoder first.
/// </summary>
internal sealed class ConvLayerStack
{
    private readonly ConvLayerSpec[] _specs;
    private readonly string[] _names;
    private readonly Dictionary<int, int> _unpoolToPool;

    /// <summary>Builds one module per spec with PyTorch's default initialisation, from shapes already inferred.</summary>
    public ConvLayerStack(IReadOnlyList<ConvLayerSpec> encoder, IReadOnlyList<ConvLayerSpec> decoder, ConvShapeInference shapes)
    {
        _specs = [.. encoder, .. decoder];
        _names = [.. ConvShapeInference.LayerNames(encoder, decoder)];
        _unpoolToPool = new Dictionary<int, int>(shapes.UnpoolToPool);
        EncoderCount = encoder.Count;
        for (int i = 0; i < _specs.Length; i++)
        {
            long inChannels = shapes.InputShape(i)[0];
            MaxPool2dSpec? pairedPool = _unpoolToPool.TryGetValue(i, out int poolIndex) ? (MaxPool2dSpec)_specs[poolIndex] : null;
            nn.Module module = CreateModule(_specs[i], inChannels, pairedPool);
            (i < EncoderCount ? Encoder : Decoder).Add(module);
        }
    }

    /// <summary>The encoder's modules, in order.</summary>
    public ModuleList<nn.Module> Encoder { get; } = new();

    /// <summary>The decoder's modules, in order.</summary>
    public ModuleList<nn.Module> Decoder { get; } = new();

    /// <summary>Number of encoder layers (the flat index of the first decoder layer).</summary>
    public int EncoderCount { get; }

    /// <summary>Number of layers, encoder and decoder.</summary>
    public int Count => _specs.Length;

    /// <summary>The specs, flat.</summary>
    public IReadOnlyList<ConvLayerSpec> Specs => _specs;

    /// <summary>The display names, flat.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>For each max-unpooling layer, the flat index of its pooling layer.</summary>
    public IReadOnlyDictionary<int, int> UnpoolToPool => _unpoolToPool;

    /// <summary>The module of flat layer <paramref name="i"/>.</summary>
    public nn.Module ModuleAt(int i) => i < EncoderCount ? Encoder[i] : Decoder[i - EncoderCount];

    /// <summary>Parameters of flat layer <paramref name="i"/>.</summary>
    public long ParameterCount(int i) => ModuleAt(i).parameters().Sum(p => p.numel());

    /// <summary>The summary's type of a layer, e.g. "Conv2d+ReLU".</summary>
    public static string DisplayType(ConvLayerSpec spec) => spec switch
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

    /// <summary>The activation a layer applies (linear for layers without one).</summary>
    public static Activation LayerActivation(ConvLayerSpec spec) => spec switch
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

    /// <summary>Runs layer <paramref name="i"/>; returns its output and, for layers with an activation, the pre-activation.</summary>
    public (Tensor Output, Tensor? PreActivation) RunLayer(int i, Tensor x, Dictionary<int, (Tensor Indices, long[] Size)> pooled)
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
}
