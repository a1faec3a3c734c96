using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoders.Models.Variational;

/// <summary>
/// Fully connected variational autoencoder built from a <see cref="VariationalAutoencoderConfig"/> (Kingma and
/// Welling, 2014). The forward pass samples z = mu + sigma * eps (the reparameterisation trick) in training and in
/// evaluation, so the objective is an unbiased ELBO estimate either way, and reports mu and log sigma^2 in
/// <see cref="AutoencoderOutput.Mean"/> and <see cref="AutoencoderOutput.LogVariance"/>. <see cref="Encode"/>
/// returns mu; <see cref="Autoencoder.Reconstruct"/> decodes mu, <see cref="ReconstructSampled"/> a sample.
/// </summary>
public sealed class VariationalAutoencoder : Autoencoder, IGenerativeAutoencoder, ILayerSummarySource
{
    /// <summary>The smallest sigma the softplus parameterisation produces (keeps log sigma^2 finite).</summary>
    public const double SigmaFloor = 1e-6;

    private static readonly double Log2Pi = Math.Log(2 * Math.PI);

    private readonly VariationalAutoencoderConfig _config;
    private readonly ModuleList<Linear> _encoder = new();
    private readonly Linear _meanHead;
    private readonly Linear _spreadHead;
    private readonly ModuleList<Linear> _decoder = new();
    private readonly Parameter? _logObservationVariance;
    private readonly double _fixedLogObservationVariance;

    /// <summary>Builds the layers of <paramref name="config"/> with PyTorch's default initialisation.</summary>
    public VariationalAutoencoder(VariationalAutoencoderConfig config)
        : base("variational_autoencoder")
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        _config = config;
        IReadOnlyList<int> enc = config.Layers;
        for (int i = 0; i < enc.Count - 2; i++)
        {
            _encoder.Add(nn.Linear(enc[i], enc[i + 1]));
        }

        _meanHead = nn.Linear(enc[^2], enc[^1]);
        _spreadHead = nn.Linear(enc[^2], enc[^1]);
        IReadOnlyList<int> dec = config.EffectiveDecoderLayers;
        for (int i = 0; i < dec.Count - 1; i++)
        {
            _decoder.Add(nn.Linear(dec[i], dec[i + 1]));
        }

        _fixedLogObservationVariance = Math.Log(config.Variance);
        register_module("encoder", _encoder);
        register_module("mean", _meanHead);
        register_module("spread", _spreadHead);
        register_module("decoder", _decoder);
        if (config.LearnVariance)
        {
            _logObservationVariance = new Parameter(torch.tensor(_fixedLogObservationVariance, ScalarType.Float32));
            register_parameter("log_observation_variance", _logObservationVariance);
        }
    }

    /// <inheritdoc />
    public override ModelConfig Config => _config;

    /// <summary>The configuration, typed.</summary>
    public VariationalAutoencoderConfig VariationalConfig => _config;

    /// <summary>Size of z.</summary>
    public int LatentSize => _config.LatentSize;

    /// <summary>
    /// Where eps comes from in <see cref="forward"/>: this generator when set (reproducible sampling independent of
    /// everything else), otherwise torch's default generator (seeded by the trainer).
    /// </summary>
    public Generator? SamplingGenerator { get; set; }

    /// <summary>The mean head (the layer that outputs mu).</summary>
    public Linear MeanHead => _meanHead;

    /// <summary>The spread head (the layer that outputs log sigma^2, or sigma before the softplus).</summary>
    public Linear SpreadHead => _spreadHead;

    /// <summary>log sigma^2 of a Gaussian likelihood (learned or fixed); 0-dimensional.</summary>
    public Tensor LogObservationVariance => _logObservationVariance is not null
        ? _logObservationVariance
        : torch.tensor(_fixedLogObservationVariance, ScalarType.Float32, device: _meanHead.weight!.device);

    /// <summary>q(z|x) of a batch: mu [B, d] and log sigma^2 [B, d].</summary>
    public (Tensor Mean, Tensor LogVariance) Posterior(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        (Tensor mean, Tensor logVariance, _) = RunEncoder(input.reshape(input.shape[0], -1), hidden: null);
        return (mean.MoveToOuterDisposeScope(), logVariance.MoveToOuterDisposeScope());
    }

    /// <summary>z = mu + exp(log sigma^2 / 2) * eps with eps ~ N(0, I) from <paramref name="generator"/> (or the default generator).</summary>
    public static Tensor Reparameterize(Tensor mean, Tensor logVariance, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(logVariance);
        using var scope = torch.NewDisposeScope();
        Tensor eps = torch.randn(mean.shape, dtype: mean.dtype, device: mean.device, generator: generator);
        return (mean + (torch.exp(0.5 * logVariance) * eps)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public string PriorDescription => "the prior N(0, I)";

    /// <summary><paramref name="count"/> draws from the prior N(0, I), [count, d].</summary>
    public Tensor SamplePrior(long count, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return torch.randn([count, LatentSize], device: _meanHead.weight!.device, generator: generator);
    }

    /// <inheritdoc />
    public override AutoencoderOutput forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Tensor x = input.reshape(input.shape[0], -1);
        var hidden = new List<HiddenActivation>(_encoder.Count + 1);
        (Tensor mean, Tensor logVariance, Tensor h) = RunEncoder(x, hidden);
        Tensor z = Reparameterize(mean, logVariance, SamplingGenerator);
        hidden.Add(new HiddenActivation("code", h, null, z, Activation.Linear, null));
        Tensor preActivation = DecodePreActivation(z);
        Tensor output = ActivationFunction.Apply(_config.OutputActivation, preActivation);
        return new AutoencoderOutput
        {
            Reconstruction = output.reshape(input.shape),
            Logits = _config.OutputActivation == Activation.Sigmoid ? preActivation.reshape(input.shape) : null,
            Code = z,
            Hidden = hidden,
            Mean = mean,
            LogVariance = logVariance,
        };
    }

    /// <summary>The posterior mean mu.</summary>
    public override Tensor Encode(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Posterior(input).Mean;
    }

    /// <summary>The mean of p(x|z) for codes [B, d], flat [B, D].</summary>
    public override Tensor Decode(Tensor code)
    {
        ArgumentNullException.ThrowIfNull(code);
        using var scope = torch.NewDisposeScope();
        return ActivationFunction.Apply(_config.OutputActivation, DecodePreActivation(code)).MoveToOuterDisposeScope();
    }

    /// <summary>The output layer before its activation (the Bernoulli logits), flat [B, D].</summary>
    public Tensor DecodePreActivation(Tensor code)
    {
        ArgumentNullException.ThrowIfNull(code);
        Tensor h = code.reshape(code.shape[0], -1);
        int last = _decoder.Count - 1;
        for (int i = 0; i < last; i++)
        {
            h = ActivationFunction.Apply(_config.Activation, _decoder[i].forward(h));
        }

        return _decoder[last].forward(h);
    }

    /// <summary>Decodes a sample z ~ q(z|x) rather than mu, shaped like the input.</summary>
    public Tensor ReconstructSampled(Tensor input, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        (Tensor mean, Tensor logVariance) = Posterior(input);
        return Decode(Reparameterize(mean, logVariance, generator)).reshape(input.shape).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// log p(x|z) per example [B] in nats, from the decoder's pre-activation [B, D] (see
    /// <see cref="DecodePreActivation"/>) and the data [B, ...]: Bernoulli, -sum BCE(logits, x); Gaussian,
    /// -sum ((x - mean)^2 / (2 sigma^2) + (log sigma^2 + log 2 pi) / 2).
    /// </summary>
    public Tensor LogLikelihood(Tensor preActivation, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(preActivation);
        ArgumentNullException.ThrowIfNull(target);
        using var scope = torch.NewDisposeScope();
        Tensor x = target.reshape(target.shape[0], -1);
        Tensor p = preActivation.reshape(preActivation.shape[0], -1);
        Tensor result;
        if (_config.Likelihood == ObservationLikelihood.Bernoulli)
        {
            result = -nn.functional.binary_cross_entropy_with_logits(p, x, reduction: nn.Reduction.None).sum(1);
        }
        else
        {
            Tensor mean = ActivationFunction.Apply(_config.OutputActivation, p);
            Tensor logVariance = LogObservationVariance;
            Tensor squared = (x - mean).pow(2).sum(1);
            long d = x.shape[1];
            result = -((0.5 * squared * torch.exp(-logVariance)) + (0.5 * d * (logVariance + Log2Pi)));
        }

        return result.MoveToOuterDisposeScope();
    }

    /// <summary>log p(x|z) per example [B] for a forward pass's output and its target.</summary>
    public Tensor LogLikelihood(AutoencoderOutput output, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(output);
        return LogLikelihood(output.Logits ?? output.Reconstruction, target);
    }

    /// <inheritdoc />
    public IReadOnlyList<ModelSummaryRow> TraceLayers(Tensor sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        using var scope = torch.NewDisposeScope();
        static long Count(nn.Module m) => m.parameters().Sum(p => p.numel());
        string act = ActivationFunction.Name(_config.Activation);
        var rows = new List<ModelSummaryRow>();
        Tensor h = sample.reshape(sample.shape[0], -1);
        for (int i = 0; i < _encoder.Count; i++)
        {
            h = ActivationFunction.Apply(_config.Activation, _encoder[i].forward(h));
            rows.Add(new ModelSummaryRow($"encoder.{i}", $"Linear+{act}", h.shape[1..], Count(_encoder[i])));
        }

        string spread = _config.Parameterization == SpreadParameterization.LogVariance ? "Linear (log sigma^2)" : "Linear+softplus (sigma)";
        rows.Add(new ModelSummaryRow("mean", "Linear (mu)", _meanHead.forward(h).shape[1..], Count(_meanHead)));
        rows.Add(new ModelSummaryRow("spread", spread, _spreadHead.forward(h).shape[1..], Count(_spreadHead)));
        rows.Add(new ModelSummaryRow("z", "mu + sigma * eps", [LatentSize], 0));
        Tensor d = torch.zeros(sample.shape[0], LatentSize, device: sample.device);
        for (int i = 0; i < _decoder.Count; i++)
        {
            bool last = i == _decoder.Count - 1;
            d = _decoder[i].forward(d);
            string type = last ? $"Linear+{ActivationFunction.Name(_config.OutputActivation)} ({_config.Likelihood.ToString().ToLowerInvariant()})" : $"Linear+{act}";
            rows.Add(new ModelSummaryRow($"decoder.{i}", type, d.shape[1..], Count(_decoder[i])));
        }

        if (_logObservationVariance is not null)
        {
            rows.Add(new ModelSummaryRow("log_observation_variance", "Parameter", [], 1));
        }

        return rows;
    }

    private (Tensor Mean, Tensor LogVariance, Tensor LastHidden) RunEncoder(Tensor x, List<HiddenActivation>? hidden)
    {
        Tensor h = x;
        for (int i = 0; i < _encoder.Count; i++)
        {
            Linear layer = _encoder[i];
            Tensor z = layer.forward(h);
            Tensor a = ActivationFunction.Apply(_config.Activation, z);
            hidden?.Add(new HiddenActivation($"encoder.{i}", h, z, a, _config.Activation, layer.weight));
            h = a;
        }

        Tensor mean = _meanHead.forward(h);
        Tensor spread = _spreadHead.forward(h);
        Tensor logVariance = _config.Parameterization == SpreadParameterization.LogVariance
            ? spread
            : 2 * torch.log(nn.functional.softplus(spread) + SigmaFloor);
        return (mean, logVariance, h);
    }
}
