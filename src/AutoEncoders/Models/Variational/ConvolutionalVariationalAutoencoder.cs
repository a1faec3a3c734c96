using AutoEncoders.Models.Convolutional;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoders.Models.Variational;

/// <summary>
/// Convolutional variational autoencoder built from a <see cref="ConvolutionalVariationalAutoencoderConfig"/>:
/// convolutional encoder, flatten, linear heads for mu and the spread, z = mu + sigma * eps (sampled in training
/// and evaluation, as in <see cref="VariationalAutoencoder"/>), a linear layer from z to the decoder's first
/// feature maps and the convolutional decoder. Accepts images [B, C, H, W] or rows [B, C*H*W];
/// <see cref="VariationalModel.Decode"/> returns images [B, C, H, W].
/// </summary>
public sealed class ConvolutionalVariationalAutoencoder : VariationalModel, ILayerSummarySource
{
    private readonly ConvolutionalVariationalAutoencoderConfig _config;
    private readonly ConvLayerStack _layers;
    private readonly Linear _meanHead;
    private readonly Linear _spreadHead;
    private readonly Linear _decoderInput;
    private readonly long[] _decoderInputShape;
    private readonly long _decodeValues;

    /// <summary>Builds the layers of <paramref name="config"/> with PyTorch's default initialisation.</summary>
    /// <exception cref="ArgumentException">The spec is invalid or the decoder does not return to the input shape.</exception>
    public ConvolutionalVariationalAutoencoder(ConvolutionalVariationalAutoencoderConfig config)
        : base("conv_variational_autoencoder", Checked(config).Likelihood, config.OutputActivation, config.Parameterization, config.Variance)
    {
        _config = config;
        ConvShapeInference shapes = config.Infer(throwOnProblem: true);
        _layers = new ConvLayerStack(config.Encoder, config.Decoder, shapes);
        long flat = shapes.Rows[config.Encoder.Count].Shape.Aggregate(1L, (a, b) => a * b);
        _decoderInputShape = [.. config.DecoderInput.Select(s => (long)s)];
        _decodeValues = Enumerable.Range(config.Encoder.Count, config.Decoder.Count + 1)
            .Max(i => shapes.InputShape(i).Aggregate(1L, (a, b) => a * b));
        _meanHead = nn.Linear(flat, config.LatentSize);
        _spreadHead = nn.Linear(flat, config.LatentSize);
        _decoderInput = nn.Linear(config.LatentSize, _decoderInputShape.Aggregate(1L, (a, b) => a * b));
        register_module("encoder", _layers.Encoder);
        register_module("mean", _meanHead);
        register_module("spread", _spreadHead);
        register_module("decoder_input", _decoderInput);
        register_module("decoder", _layers.Decoder);
        RegisterObservationVariance(config.LearnVariance);
    }

    /// <inheritdoc />
    public override ModelConfig Config => _config;

    /// <summary>The configuration, typed.</summary>
    public ConvolutionalVariationalAutoencoderConfig VariationalConfig => _config;

    /// <inheritdoc />
    public override int LatentSize => _config.LatentSize;

    /// <inheritdoc />
    public override long DecodeValuesPerExample => _decodeValues;

    /// <summary>The mean head (the layer that outputs mu).</summary>
    public Linear MeanHead => _meanHead;

    /// <summary>The spread head (the layer that outputs log sigma^2, or sigma before the softplus).</summary>
    public Linear SpreadHead => _spreadHead;

    /// <inheritdoc />
    public override (Tensor Mean, Tensor LogVariance) Posterior(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        (Tensor mean, Tensor logVariance, _) = RunEncoder(ToImages(input), hidden: null);
        return (mean.MoveToOuterDisposeScope(), logVariance.MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public override AutoencoderOutput forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var hidden = new List<HiddenActivation>(_layers.EncoderCount + 1);
        (Tensor mean, Tensor logVariance, Tensor h) = RunEncoder(ToImages(input), hidden);
        return SampleAndDecode(input, mean, logVariance, hidden, h);
    }

    /// <summary>The last decoder layer's output before the output activation (the Bernoulli logits), images [B, C, H, W].</summary>
    public override Tensor DecodePreActivation(Tensor code)
    {
        ArgumentNullException.ThrowIfNull(code);
        Tensor h = ActivationFunction.Apply(_config.DecoderInputActivation, _decoderInput.forward(code.reshape(code.shape[0], -1)))
            .reshape([code.shape[0], .. _decoderInputShape]);
        var pooled = new Dictionary<int, (Tensor Indices, long[] Size)>();
        Tensor? pre = null;
        for (int i = _layers.EncoderCount; i < _layers.Count; i++)
        {
            (h, pre) = _layers.RunLayer(i, h, pooled);
        }

        // The output activation is the last layer's own (see the config), so its pre-activation is the logits.
        return OutputActivation != Activation.Linear && pre is not null ? pre : h;
    }

    /// <inheritdoc />
    public IReadOnlyList<ModelSummaryRow> TraceLayers(Tensor sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        using var scope = torch.NewDisposeScope();
        var rows = new List<ModelSummaryRow>();
        var pooled = new Dictionary<int, (Tensor Indices, long[] Size)>();
        Tensor h = ToImages(sample);
        for (int i = 0; i < _layers.EncoderCount; i++)
        {
            h = _layers.RunLayer(i, h, pooled).Output;
            rows.Add(new ModelSummaryRow(_layers.Names[i], ConvLayerStack.DisplayType(_layers.Specs[i]), h.shape[1..], _layers.ParameterCount(i)));
        }

        h = h.reshape(h.shape[0], -1);
        rows.Add(new ModelSummaryRow("flatten", "Flatten", h.shape[1..], 0));
        rows.AddRange(LatentSummaryRows(_meanHead, _spreadHead, h));
        Tensor d = _decoderInput.forward(torch.zeros(sample.shape[0], LatentSize, device: sample.device)).reshape([sample.shape[0], .. _decoderInputShape]);
        string inputType = _config.DecoderInputActivation == Activation.Linear ? "Linear+reshape" : $"Linear+{ActivationFunction.Name(_config.DecoderInputActivation)}+reshape";
        rows.Add(new ModelSummaryRow("decoder_input", inputType, d.shape[1..], ParametersOf(_decoderInput)));
        for (int i = _layers.EncoderCount; i < _layers.Count; i++)
        {
            d = _layers.RunLayer(i, d, pooled).Output;
            string type = ConvLayerStack.DisplayType(_layers.Specs[i]);
            if (i == _layers.Count - 1)
            {
                type += $" ({Likelihood.ToString().ToLowerInvariant()})";
            }

            rows.Add(new ModelSummaryRow(_layers.Names[i], type, d.shape[1..], _layers.ParameterCount(i)));
        }

        rows.AddRange(LikelihoodSummaryRows());
        return rows;
    }

    private (Tensor Mean, Tensor LogVariance, Tensor Flat) RunEncoder(Tensor images, List<HiddenActivation>? hidden)
    {
        var pooled = new Dictionary<int, (Tensor Indices, long[] Size)>();
        Tensor h = images;
        for (int i = 0; i < _layers.EncoderCount; i++)
        {
            (Tensor output, Tensor? pre) = _layers.RunLayer(i, h, pooled);
            hidden?.Add(new HiddenActivation(_layers.Names[i], h, pre, output, ConvLayerStack.LayerActivation(_layers.Specs[i]), Weight: null));
            h = output;
        }

        Tensor flat = h.reshape(h.shape[0], -1);
        return (_meanHead.forward(flat), SpreadToLogVariance(_spreadHead.forward(flat)), flat);
    }

    private Tensor ToImages(Tensor input)
    {
        long c = _config.Channels, h = _config.Height, w = _config.Width;
        if (input.dim() == 4 && input.shape[1] == c && input.shape[2] == h && input.shape[3] == w)
        {
            return input;
        }

        if (input.dim() == 4)
        {
            throw new ArgumentException($"The model takes images [B, {c}, {h}, {w}]; the input has shape [{string.Join(", ", input.shape)}].", nameof(input));
        }

        long perSample = input.dim() < 2 ? 0 : input.numel() / Math.Max(1, input.shape[0]);
        if (input.dim() < 2 || perSample != c * h * w)
        {
            throw new ArgumentException(
                $"The model takes images [B, {c}, {h}, {w}] or rows [B, {c * h * w}]; the input has shape [{string.Join(", ", input.shape)}].", nameof(input));
        }

        return input.reshape(input.shape[0], c, h, w);
    }
}
