using AutoEncoders.Evaluation;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoders.Models.Variational;

/// <summary>
/// What every variational autoencoder offers the objectives (<c>nll</c>, <c>kl_divergence</c>), the evaluation
/// (ELBO, IWAE, active units) and the CLI (<c>ae generate</c>, <c>ae interpolate</c>, <c>ae eval</c>), whatever its
/// encoder and decoder are made of: q(z|x) = N(mu, diag sigma^2) (<see cref="Posterior"/>), the prior N(0, I),
/// the reparameterised sample z = mu + sigma * eps, and p(x|z) from the decoder's pre-activation
/// (<see cref="DecodePreActivation"/>, <see cref="LogLikelihood(Tensor, Tensor)"/>). Subclasses build the layers.
/// </summary>
public abstract class VariationalModel : Autoencoder, IGenerativeAutoencoder
{
    /// <summary>Test ELBO, KL and active units in nats per example, and with importance samples the IWAE bound (<see cref="VariationalEvaluation"/>).</summary>
    public override IReadOnlyDictionary<string, double> EvaluationMetrics(AutoEncoders.Data.TensorDataset data, ModelEvaluationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ImportanceSamples < 0 || options.ElboSamples < 1)
        {
            throw new ArgumentException($"importance samples must be 0 or more and ELBO samples 1 or more; found {options.ImportanceSamples} and {options.ElboSamples}.");
        }

        return VariationalEvaluation.Evaluate(this, data, options.ImportanceSamples, options.ImportanceLimit, seed: options.Seed, elboSamples: options.ElboSamples).ToDictionary();
    }

    /// <summary>The smallest sigma the softplus parameterisation produces (keeps log sigma^2 finite).</summary>
    public const double SigmaFloor = 1e-6;

    private static readonly double Log2Pi = Math.Log(2 * Math.PI);

    private readonly ObservationLikelihood _likelihood;
    private readonly Activation _outputActivation;
    private readonly SpreadParameterization _parameterization;
    private readonly double _fixedLogObservationVariance;
    private Parameter? _logObservationVariance;
    private VampPrior? _vampPrior;

    /// <summary>Sets the likelihood p(x|z), the output activation (its mean) and the spread head's meaning.</summary>
    /// <param name="name">The module name used in state dictionaries.</param>
    /// <param name="likelihood">Bernoulli or Gaussian.</param>
    /// <param name="outputActivation">Sigmoid or linear: the mean of p(x|z) from the decoder's pre-activation.</param>
    /// <param name="parameterization">What the spread head outputs.</param>
    /// <param name="variance">The Gaussian likelihood's variance (fixed, or the start of a learned one).</param>
    protected VariationalModel(string name, ObservationLikelihood likelihood, Activation outputActivation, SpreadParameterization parameterization, double variance)
        : base(name)
    {
        _likelihood = likelihood;
        _outputActivation = outputActivation;
        _parameterization = parameterization;
        _fixedLogObservationVariance = Math.Log(variance);
    }

    /// <summary>Size of z.</summary>
    public abstract int LatentSize { get; }

    /// <summary>The decoder distribution p(x|z).</summary>
    public ObservationLikelihood Likelihood => _likelihood;

    /// <summary>The activation that turns the decoder's pre-activation into the mean of p(x|z).</summary>
    public Activation OutputActivation => _outputActivation;

    /// <summary>What the spread head outputs.</summary>
    public SpreadParameterization Parameterization => _parameterization;

    /// <summary>
    /// Where eps comes from in the forward pass: this generator when set (reproducible sampling independent of
    /// everything else), otherwise torch's default generator (seeded by the trainer).
    /// </summary>
    public Generator? SamplingGenerator { get; set; }

    /// <summary>
    /// The most values one example occupies in any layer of a decode (the widest layer of a dense decoder, the
    /// largest feature maps of a convolutional one); evaluation sizes its chunks of k samples by it.
    /// </summary>
    public abstract long DecodeValuesPerExample { get; }

    /// <summary>The device of the model's parameters.</summary>
    public Device ParameterDevice => parameters().First().device;

    /// <summary>log sigma^2 of a Gaussian likelihood (learned or fixed); 0-dimensional.</summary>
    public Tensor LogObservationVariance => _logObservationVariance is not null
        ? _logObservationVariance
        : torch.tensor(_fixedLogObservationVariance, ScalarType.Float32, device: ParameterDevice);

    /// <inheritdoc />
    public string PriorDescription => _vampPrior is null
        ? "the prior N(0, I)"
        : $"the VampPrior (a mixture of the posteriors at {_vampPrior.Config.Components} learned pseudo-inputs)";

    /// <summary>The VampPrior when the model has one (Tomczak and Welling, 2018), otherwise null: the prior is N(0, I).</summary>
    public VampPrior? VampPrior => _vampPrior;

    /// <summary>True when the prior is N(0, I), so the KL term has its closed form.</summary>
    public bool HasStandardPrior => _vampPrior is null;

    /// <summary>log p(z) per code [N] for codes [N, d]: N(0, I), or the VampPrior's mixture.</summary>
    public Tensor LogPrior(Tensor z)
    {
        ArgumentNullException.ThrowIfNull(z);
        if (_vampPrior is not null)
        {
            return _vampPrior.LogDensity(this, z);
        }

        using var scope = torch.NewDisposeScope();
        return (-0.5 * (z.pow(2).sum(-1) + (z.shape[^1] * Log2Pi))).MoveToOuterDisposeScope();
    }

    /// <summary>log q(z|x) = log N(z; mu, diag exp(log sigma^2)) summed over the last dimension: [..., d] to [...].</summary>
    public static Tensor LogPosterior(Tensor z, Tensor mean, Tensor logVariance)
    {
        ArgumentNullException.ThrowIfNull(z);
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(logVariance);
        using var scope = torch.NewDisposeScope();
        Tensor value = -0.5 * ((z - mean).pow(2) * torch.exp(-logVariance) + logVariance + Log2Pi);
        return value.sum(-1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// KL(q(z|x) || p(z)) per example [B]: the closed form under N(0, I); under a VampPrior the single-sample
    /// estimate log q(z|x) - log p(z) at the code <paramref name="z"/> [B, d] drawn from q(z|x) (Tomczak and
    /// Welling, 2018, eq. 9), which has no closed form.
    /// </summary>
    public Tensor KlPerExample(Tensor mean, Tensor logVariance, Tensor z)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(logVariance);
        ArgumentNullException.ThrowIfNull(z);
        if (_vampPrior is null)
        {
            return AutoEncoders.Objectives.KlDivergence.PerExample(mean, logVariance);
        }

        using var scope = torch.NewDisposeScope();
        Tensor code = z.reshape(z.shape[0], -1);
        return (LogPosterior(code, mean, logVariance) - LogPrior(code)).MoveToOuterDisposeScope();
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

    /// <summary>q(z|x) of a batch: mu [B, d] and log sigma^2 [B, d].</summary>
    public abstract (Tensor Mean, Tensor LogVariance) Posterior(Tensor input);

    /// <summary>
    /// The decoder's output before the output activation (the Bernoulli logits) for codes [B, d]: [B, ...], the
    /// values of one example in any shape (flat for the dense model, [C, H, W] for the convolutional one).
    /// </summary>
    public abstract Tensor DecodePreActivation(Tensor code);

    /// <summary><paramref name="count"/> draws from the prior, [count, d]: N(0, I), or a VampPrior component then its posterior.</summary>
    public Tensor SamplePrior(long count, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return _vampPrior is not null
            ? _vampPrior.Sample(this, count, generator)
            : torch.randn([count, LatentSize], device: ParameterDevice, generator: generator);
    }

    /// <summary>The posterior mean mu.</summary>
    public override Tensor Encode(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Posterior(input).Mean;
    }

    /// <summary>The mean of p(x|z) for codes [B, d], shaped as <see cref="DecodePreActivation"/> returns it.</summary>
    public override Tensor Decode(Tensor code)
    {
        ArgumentNullException.ThrowIfNull(code);
        using var scope = torch.NewDisposeScope();
        return ActivationFunction.Apply(_outputActivation, DecodePreActivation(code)).MoveToOuterDisposeScope();
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
    /// log p(x|z) per example [B] in nats, from the decoder's pre-activation [B, ...] (see
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
        if (_likelihood == ObservationLikelihood.Bernoulli)
        {
            result = -nn.functional.binary_cross_entropy_with_logits(p, x, reduction: nn.Reduction.None).sum(1);
        }
        else
        {
            Tensor mean = ActivationFunction.Apply(_outputActivation, p);
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

    /// <summary>
    /// The forward pass from the posterior on, as every variational model runs it: z ~ q(z|x) by reparameterisation,
    /// decoded and shaped like <paramref name="input"/>; <paramref name="hidden"/>, when given, gains z as the "code"
    /// layer fed by <paramref name="codeInput"/>.
    /// </summary>
    private protected AutoencoderOutput SampleAndDecode(Tensor input, Tensor mean, Tensor logVariance, List<HiddenActivation>? hidden = null, Tensor? codeInput = null)
    {
        Tensor z = Reparameterize(mean, logVariance, SamplingGenerator);
        hidden?.Add(new HiddenActivation("code", codeInput!, null, z, Activation.Linear, null));
        Tensor preActivation = DecodePreActivation(z);
        return new AutoencoderOutput
        {
            Reconstruction = ActivationFunction.Apply(_outputActivation, preActivation).reshape(input.shape),
            Logits = _outputActivation == Activation.Sigmoid ? preActivation.reshape(input.shape) : null,
            Code = z,
            Hidden = hidden ?? [],
            Mean = mean,
            LogVariance = logVariance,
        };
    }

    /// <summary>log sigma^2 from the spread head's output: itself, or 2 log(softplus(s) + floor).</summary>
    protected Tensor SpreadToLogVariance(Tensor spread)
    {
        ArgumentNullException.ThrowIfNull(spread);
        return _parameterization == SpreadParameterization.LogVariance
            ? spread
            : 2 * torch.log(nn.functional.softplus(spread) + SigmaFloor);
    }

    /// <summary>The summary rows of the mean and spread heads on the encoder's flat output <paramref name="h"/>, and of the sample z.</summary>
    protected IEnumerable<ModelSummaryRow> LatentSummaryRows(Linear meanHead, Linear spreadHead, Tensor h)
    {
        ArgumentNullException.ThrowIfNull(meanHead);
        ArgumentNullException.ThrowIfNull(spreadHead);
        string spread = _parameterization == SpreadParameterization.LogVariance ? "Linear (log sigma^2)" : "Linear+softplus (sigma)";
        yield return new ModelSummaryRow("mean", "Linear (mu)", meanHead.forward(h).shape[1..], ParametersOf(meanHead));
        yield return new ModelSummaryRow("spread", spread, spreadHead.forward(h).shape[1..], ParametersOf(spreadHead));
        yield return new ModelSummaryRow("z", "mu + sigma * eps", [LatentSize], 0);
    }

    /// <summary>The summary row of the learned observation variance, when the likelihood has one.</summary>
    protected IEnumerable<ModelSummaryRow> LikelihoodSummaryRows()
    {
        if (LearnsObservationVariance)
        {
            yield return new ModelSummaryRow("log_observation_variance", "Parameter", [], 1);
        }
    }

    /// <summary>Number of values in the parameters of <paramref name="module"/>, for summary rows.</summary>
    protected static long ParametersOf(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return module.parameters().Sum(p => p.numel());
    }

    /// <summary><paramref name="config"/> after its validation, for a subclass constructor's base call.</summary>
    protected static TConfig Checked<TConfig>(TConfig config)
        where TConfig : ModelConfig
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        return config;
    }

    /// <summary>
    /// Registers the learned log sigma^2 of a Gaussian likelihood as "log_observation_variance"; call at the end of
    /// the subclass constructor, after its layers, so the state dictionary keeps its order.
    /// </summary>
    protected void RegisterObservationVariance(bool learn)
    {
        if (learn)
        {
            _logObservationVariance = new Parameter(torch.tensor(_fixedLogObservationVariance, ScalarType.Float32));
            register_parameter("log_observation_variance", _logObservationVariance);
        }
    }

    /// <summary>
    /// Registers a VampPrior's pseudo-inputs (shaped [K, .. <paramref name="inputShape"/>]) as "vamp_prior" when
    /// <paramref name="config"/> is set; call at the very end of the subclass constructor.
    /// </summary>
    protected void RegisterVampPrior(VampPriorConfig? config, long[] inputShape)
    {
        if (config is not null)
        {
            _vampPrior = new VampPrior(config, inputShape);
            register_module("vamp_prior", _vampPrior);
        }
    }

    /// <summary>The summary row of the VampPrior's pseudo-inputs, when the model has one.</summary>
    protected IEnumerable<ModelSummaryRow> PriorSummaryRows()
    {
        if (_vampPrior is not null)
        {
            yield return new ModelSummaryRow("vamp_prior.pseudo_inputs", $"Parameter+{_vampPrior.Config.PseudoInputActivation.ToString().ToLowerInvariant()} (VampPrior)", _vampPrior.RawPseudoInputs.shape, _vampPrior.RawPseudoInputs.numel());
        }
    }

    /// <summary>True when the Gaussian likelihood's variance is a learned parameter.</summary>
    protected bool LearnsObservationVariance => _logObservationVariance is not null;
}
