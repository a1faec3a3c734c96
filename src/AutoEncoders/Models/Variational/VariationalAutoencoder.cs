using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoders.Models.Variational;

/// <summary>
/// Fully connected variational autoencoder built from a <see cref="VariationalAutoencoderConfig"/> (Kingma and
/// Welling, 2014). The forward pass samples z = mu + sigma * eps (the reparameterisation trick) in training and in
/// evaluation, so the objective is an unbiased ELBO estimate either way, and reports mu and log sigma^2 in
/// <see cref="AutoencoderOutput.Mean"/> and <see cref="AutoencoderOutput.LogVariance"/>.
/// <see cref="VariationalModel.Encode"/> returns mu; <see cref="Autoencoder.Reconstruct"/> decodes mu,
/// <see cref="VariationalModel.ReconstructSampled"/> a sample.
/// </summary>
public sealed class VariationalAutoencoder : VariationalModel, ILayerSummarySource
{
    private readonly VariationalAutoencoderConfig _config;
    private readonly ModuleList<Linear> _encoder = new();
    private readonly Linear _meanHead;
    private readonly Linear _spreadHead;
    private readonly ModuleList<Linear> _decoder = new();

    /// <summary>Builds the layers of <paramref name="config"/> with PyTorch's default initialisation.</summary>
    public VariationalAutoencoder(VariationalAutoencoderConfig config)
        : base("variational_autoencoder", Checked(config).Likelihood, config.OutputActivation, config.Parameterization, config.Variance)
    {
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

        register_module("encoder", _encoder);
        register_module("mean", _meanHead);
        register_module("spread", _spreadHead);
        register_module("decoder", _decoder);
        RegisterObservationVariance(config.LearnVariance);
        RegisterVampPrior(config.VampPrior, config.InputShape);
    }

    /// <inheritdoc />
    public override ModelConfig Config => _config;

    /// <summary>The configuration, typed.</summary>
    public VariationalAutoencoderConfig VariationalConfig => _config;

    /// <inheritdoc />
    public override int LatentSize => _config.LatentSize;

    /// <inheritdoc />
    public override long DecodeValuesPerExample => _config.EffectiveDecoderLayers.Max();

    /// <summary>The mean head (the layer that outputs mu).</summary>
    public Linear MeanHead => _meanHead;

    /// <summary>The spread head (the layer that outputs log sigma^2, or sigma before the softplus).</summary>
    public Linear SpreadHead => _spreadHead;

    /// <inheritdoc />
    public override (Tensor Mean, Tensor LogVariance) Posterior(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var scope = torch.NewDisposeScope();
        (Tensor mean, Tensor logVariance, _) = RunEncoder(input.reshape(input.shape[0], -1), hidden: null);
        return (mean.MoveToOuterDisposeScope(), logVariance.MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public override AutoencoderOutput forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Tensor x = input.reshape(input.shape[0], -1);
        var hidden = new List<HiddenActivation>(_encoder.Count + 1);
        (Tensor mean, Tensor logVariance, Tensor h) = RunEncoder(x, hidden);
        return SampleAndDecode(input, mean, logVariance, hidden, h);
    }

    /// <summary>The output layer before its activation (the Bernoulli logits), flat [B, D].</summary>
    public override Tensor DecodePreActivation(Tensor code)
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

    /// <inheritdoc />
    public IReadOnlyList<ModelSummaryRow> TraceLayers(Tensor sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        using var scope = torch.NewDisposeScope();
        string act = ActivationFunction.Name(_config.Activation);
        var rows = new List<ModelSummaryRow>();
        Tensor h = sample.reshape(sample.shape[0], -1);
        for (int i = 0; i < _encoder.Count; i++)
        {
            h = ActivationFunction.Apply(_config.Activation, _encoder[i].forward(h));
            rows.Add(new ModelSummaryRow($"encoder.{i}", $"Linear+{act}", h.shape[1..], ParametersOf(_encoder[i])));
        }

        rows.AddRange(LatentSummaryRows(_meanHead, _spreadHead, h));
        Tensor d = torch.zeros(sample.shape[0], LatentSize, device: sample.device);
        for (int i = 0; i < _decoder.Count; i++)
        {
            bool last = i == _decoder.Count - 1;
            d = _decoder[i].forward(d);
            string type = last ? $"Linear+{ActivationFunction.Name(_config.OutputActivation)} ({_config.Likelihood.ToString().ToLowerInvariant()})" : $"Linear+{act}";
            rows.Add(new ModelSummaryRow($"decoder.{i}", type, d.shape[1..], ParametersOf(_decoder[i])));
        }

        rows.AddRange(LikelihoodSummaryRows());
        rows.AddRange(PriorSummaryRows());
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
        return (mean, SpreadToLogVariance(spread), h);
    }
}
