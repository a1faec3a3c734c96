using AutoEncoders.Models;
using AutoEncoders.Models.Convolutional;
using AutoEncoders.Models.Variational;

namespace AutoEncoders.Interop.Onnx;

/// <summary>
/// ONNX form of the layer-spec models, <see cref="ConvolutionalAutoencoder"/> and
/// <see cref="ConvolutionalVariationalAutoencoder"/>: Conv (stride, fixed or "same" padding, the latter's
/// asymmetric pads worked out for the model's input size), ConvTranspose (padding, output padding), MaxPool (padding,
/// ceil mode; with its Indices output when an unpooling layer uses them), MaxUnpool (with those indices and the
/// pooling input's shape), Resize for nearest (asymmetric, floor) and bilinear (pytorch_half_pixel) up-sampling,
/// BatchNormalization with the running statistics and element-wise activations. The code is flattened to
/// [B, C*H*W]; the decoder reshapes it back.
/// </summary>
internal sealed class ConvolutionalOnnxGraphs : OnnxModelGraphs
{
    private readonly ConvLayerSpec[] _specs;
    private readonly List<string> _names;
    private readonly int _encoderCount;
    private readonly ConvShapeInference _shapes;
    private readonly ConvolutionalVariationalAutoencoderConfig? _variational;

    /// <summary>Reads a convolutional autoencoder.</summary>
    public ConvolutionalOnnxGraphs(ConvolutionalAutoencoder model)
        : base(model)
    {
        var config = (ConvolutionalAutoencoderConfig)model.Config;
        _specs = [.. config.Encoder, .. config.Decoder];
        _names = ConvShapeInference.LayerNames(config);
        _encoderCount = config.Encoder.Count;
        _shapes = config.Infer(throwOnProblem: true);
    }

    /// <summary>Reads a convolutional variational autoencoder.</summary>
    public ConvolutionalOnnxGraphs(ConvolutionalVariationalAutoencoder model)
        : base(model)
    {
        _variational = model.VariationalConfig;
        _specs = [.. _variational.Encoder, .. _variational.Decoder];
        _names = ConvShapeInference.LayerNames(_variational.Encoder, _variational.Decoder);
        _encoderCount = _variational.Encoder.Count;
        _shapes = _variational.Infer(throwOnProblem: true);
    }

    /// <inheritdoc />
    public override string? DecoderRefusal
    {
        get
        {
            KeyValuePair<int, int> crossing = _shapes.UnpoolToPool.FirstOrDefault(p => p.Key >= _encoderCount && p.Value < _encoderCount, new(-1, -1));
            return crossing.Key < 0
                ? null
                : $"the decoder layer {_names[crossing.Key]} (max_unpool2d) needs the pooling indices of the encoder layer {_names[crossing.Value]}, which a code alone does not carry; autoencoder.onnx runs both";
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<(string Name, string Value, long[] Shape)> Encoder(OnnxGraphBuilder graph, string input)
    {
        string h = Layers(graph, input, 0, _encoderCount, new Dictionary<int, (string, string)>());
        string flat = OnnxLayers.Flatten(graph, h);
        return _variational is null
            ? [("code", flat, [CodeSize])]
            : VariationalOnnxGraphs.Heads(graph, State, flat, _variational.Parameterization, CodeSize);
    }

    /// <inheritdoc />
    public override string Decoder(OnnxGraphBuilder graph, string code)
    {
        string h;
        if (_variational is null)
        {
            h = OnnxLayers.Reshape(graph, code, Model.Config.CodeShape);
        }
        else
        {
            h = OnnxLayers.Activate(graph, _variational.DecoderInputActivation, OnnxLayers.Linear(graph, State, "decoder_input", code));
            h = OnnxLayers.Reshape(graph, h, [.. _variational.DecoderInput.Select(d => (long)d)]);
        }

        return Layers(graph, h, _encoderCount, _specs.Length, new Dictionary<int, (string, string)>());
    }

    /// <inheritdoc />
    public override string Autoencoder(OnnxGraphBuilder graph, string input)
    {
        if (_variational is not null)
        {
            return base.Autoencoder(graph, input);
        }

        // One pass through every layer, so that unpooling layers find the indices of their encoder pooling layers.
        return Layers(graph, input, 0, _specs.Length, new Dictionary<int, (string, string)>());
    }

    private string Layers(OnnxGraphBuilder graph, string x, int from, int to, Dictionary<int, (string Indices, string Shape)> pooled)
    {
        string h = x;
        for (int i = from; i < to; i++)
        {
            h = Layer(graph, i, h, pooled);
        }

        return h;
    }

    private string Layer(OnnxGraphBuilder graph, int i, string x, Dictionary<int, (string Indices, string Shape)> pooled)
    {
        string module = i < _encoderCount ? $"encoder.{i}" : $"decoder.{i - _encoderCount}";
        IReadOnlyList<long> input = _shapes.InputShape(i);
        switch (_specs[i])
        {
            case Conv2dSpec conv:
                {
                    (long top, long bottom) = conv.Padding.Along(input[1], conv.KernelSize, conv.Stride);
                    (long left, long right) = conv.Padding.Along(input[2], conv.KernelSize, conv.Stride);
                    string z = graph.Node(
                        "Conv",
                        WeightAndBias(graph, module, conv.Bias),
                        OnnxAttribute.Ints("kernel_shape", conv.KernelSize, conv.KernelSize),
                        OnnxAttribute.Ints("strides", conv.Stride, conv.Stride),
                        OnnxAttribute.Ints("pads", top, left, bottom, right));
                    return OnnxLayers.Activate(graph, conv.Activation, z);

                    string[] WeightAndBias(OnnxGraphBuilder g, string m, bool bias) => bias
                        ? [x, g.Weight($"{m}.weight", OnnxLayers.Get(State, $"{m}.weight")), g.Weight($"{m}.bias", OnnxLayers.Get(State, $"{m}.bias"))]
                        : [x, g.Weight($"{m}.weight", OnnxLayers.Get(State, $"{m}.weight"))];
                }

            case ConvTranspose2dSpec deconv:
                {
                    string[] inputs = deconv.Bias
                        ? [x, graph.Weight($"{module}.weight", OnnxLayers.Get(State, $"{module}.weight")), graph.Weight($"{module}.bias", OnnxLayers.Get(State, $"{module}.bias"))]
                        : [x, graph.Weight($"{module}.weight", OnnxLayers.Get(State, $"{module}.weight"))];
                    string z = graph.Node(
                        "ConvTranspose",
                        inputs,
                        OnnxAttribute.Ints("kernel_shape", deconv.KernelSize, deconv.KernelSize),
                        OnnxAttribute.Ints("strides", deconv.Stride, deconv.Stride),
                        OnnxAttribute.Ints("pads", deconv.Padding, deconv.Padding, deconv.Padding, deconv.Padding),
                        OnnxAttribute.Ints("output_padding", deconv.OutputPadding, deconv.OutputPadding));
                    return OnnxLayers.Activate(graph, deconv.Activation, z);
                }

            case MaxPool2dSpec pool:
                {
                    OnnxAttribute[] attributes = PoolAttributes(pool);
                    if (!_shapes.UnpoolToPool.Values.Contains(i))
                    {
                        return graph.Node("MaxPool", [x], attributes);
                    }

                    string[] outputs = graph.Node("MaxPool", [x], 2, attributes);
                    pooled[i] = (outputs[1], graph.Node("Shape", [x]));
                    return outputs[0];
                }

            case MaxUnpool2dSpec:
                {
                    int poolIndex = _shapes.UnpoolToPool[i];
                    if (!pooled.TryGetValue(poolIndex, out (string Indices, string Shape) record))
                    {
                        throw new NotSupportedException($"ONNX export: layer {_names[i]} (max_unpool2d) needs the indices of {_names[poolIndex]}, which this graph does not run.");
                    }

                    // ONNX's MaxPool indices count over the whole [B, C, H, W] tensor, and MaxUnpool reads them so.
                    return graph.Node("MaxUnpool", [x, record.Indices, record.Shape], PoolAttributes((MaxPool2dSpec)_specs[poolIndex], unpool: true));
                }

            case UpsampleSpec up:
                {
                    string scales = graph.Floats($"{module}.scales", [1f, 1f, up.ScaleFactor, up.ScaleFactor], 4);
                    return up.Mode == UpsamplingMode.Bilinear
                        ? graph.Node("Resize", [x, string.Empty, scales], OnnxAttribute.String("mode", "linear"), OnnxAttribute.String("coordinate_transformation_mode", "pytorch_half_pixel"))
                        : graph.Node("Resize", [x, string.Empty, scales], OnnxAttribute.String("mode", "nearest"), OnnxAttribute.String("coordinate_transformation_mode", "asymmetric"), OnnxAttribute.String("nearest_mode", "floor"));
                }

            case BatchNorm2dSpec norm:
                return OnnxLayers.BatchNorm(graph, State, module, x, norm.Epsilon);

            case ActivationSpec activation:
                return OnnxLayers.Activate(graph, activation.Function, x);

            default:
                throw new NotSupportedException($"ONNX export: layer {_names[i]} ({_specs[i].TypeName}) has no ONNX equivalent.");
        }
    }

    private static OnnxAttribute[] PoolAttributes(MaxPool2dSpec pool, bool unpool = false)
    {
        OnnxAttribute[] window =
        [
            OnnxAttribute.Ints("kernel_shape", pool.KernelSize, pool.KernelSize),
            OnnxAttribute.Ints("strides", pool.EffectiveStride, pool.EffectiveStride),
            OnnxAttribute.Ints("pads", pool.Padding, pool.Padding, pool.Padding, pool.Padding),
        ];
        return unpool ? window : [.. window, OnnxAttribute.Int("ceil_mode", pool.CeilMode ? 1 : 0)];
    }
}
