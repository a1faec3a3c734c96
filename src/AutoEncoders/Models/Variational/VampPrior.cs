using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoders.Models.Variational;

/// <summary>
/// The VampPrior (Tomczak and Welling, 2018, "VAE with a VampPrior", AISTATS): p(z) = (1/K) sum_k q(z | u_k), a
/// uniform mixture of the owning model's Gaussian posteriors at K learned pseudo-inputs u_k. The pseudo-inputs are
/// one learned matrix [K, input shape] ("pseudo_inputs" in the state dictionary), passed through
/// <see cref="VampPriorConfig.PseudoInputActivation"/>; they are encoded again at every use, so the prior follows
/// the encoder as it trains.
/// </summary>
public sealed class VampPrior : nn.Module
{
    private static readonly double Log2Pi = Math.Log(2 * Math.PI);

    private readonly VampPriorConfig _config;
    private readonly Parameter _pseudoInputs;

    /// <summary>Pseudo-inputs drawn from N(initialMean, initialStd^2) with torch's default generator, shaped [K, .. <paramref name="inputShape"/>].</summary>
    public VampPrior(VampPriorConfig config, long[] inputShape)
        : base("vamp_prior")
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(inputShape);
        config.Validate();
        _config = config;
        using (torch.no_grad())
        {
            Tensor start = (torch.randn([config.Components, .. inputShape]) * config.InitialStd) + config.InitialMean;
            _pseudoInputs = new Parameter(start);
        }

        register_parameter("pseudo_inputs", _pseudoInputs);
    }

    /// <summary>The configuration.</summary>
    public VampPriorConfig Config => _config;

    /// <summary>The learned matrix before its activation, [K, input shape].</summary>
    public Parameter RawPseudoInputs => _pseudoInputs;

    /// <summary>The pseudo-inputs the encoder sees, [K, input shape].</summary>
    public Tensor PseudoInputs() => _config.PseudoInputActivation switch
    {
        PseudoInputActivation.Hardtanh => torch.clamp(_pseudoInputs, 0.0, 1.0),
        PseudoInputActivation.Sigmoid => torch.sigmoid(_pseudoInputs),
        _ => _pseudoInputs.alias(),
    };

    /// <summary>
    /// log p(z) per code [N] for codes [N, d] under the mixture: logsumexp_k log N(z; mu_k, sigma_k^2) - log K.
    /// The squared distances are expanded into matrix products, so memory is N x K rather than N x K x d (k = 1000
    /// importance samples of a batch are tens of thousands of codes).
    /// </summary>
    public Tensor LogDensity(VariationalModel model, Tensor z)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(z);
        using var scope = torch.NewDisposeScope();
        (Tensor mean, Tensor logVariance) = model.Posterior(PseudoInputs());
        Tensor precision = torch.exp(-logVariance);                                  // [K, d]
        Tensor quadratic = z.pow(2).matmul(precision.t())                            // sum_d z^2 / s^2
            - (2 * z.matmul((mean * precision).t()))                                 // - 2 sum_d z mu / s^2
            + (mean.pow(2) * precision).sum(1).unsqueeze(0);                         // + sum_d mu^2 / s^2
        Tensor logComponent = -0.5 * (quadratic + logVariance.sum(1).unsqueeze(0) + (z.shape[1] * Log2Pi));
        return (logComponent.logsumexp(1) - Math.Log(_config.Components)).MoveToOuterDisposeScope();
    }

    /// <summary><paramref name="count"/> codes [count, d]: a component k uniformly, then z ~ q(z | u_k); no gradients.</summary>
    public Tensor Sample(VariationalModel model, long count, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        Tensor component = torch.randint(_config.Components, [count], generator: generator, device: _pseudoInputs.device);
        (Tensor mean, Tensor logVariance) = model.Posterior(PseudoInputs());
        return VariationalModel.Reparameterize(mean.index_select(0, component), logVariance.index_select(0, component), generator).MoveToOuterDisposeScope();
    }
}
