using AutoEncoders.Models.Dense;
using TorchSharp;
using static TorchSharp.torch;

namespace AutoEncoders.Models.Wasserstein;

/// <summary>
/// The Wasserstein autoencoder of a <see cref="WassersteinAutoencoderConfig"/> (Tolstikhin et al., 2018): a
/// deterministic dense autoencoder (its layers under "network") with the prior N(0, sigma_z^2 I) over its codes,
/// so that <see cref="SamplePrior"/> and <see cref="Autoencoder.Decode"/> generate. The forward pass is the
/// autoencoder's; the objective's <c>mmd</c> term compares the batch's codes with prior draws.
/// </summary>
public sealed class WassersteinAutoencoder : Autoencoder, IGenerativeAutoencoder
{
    private readonly WassersteinAutoencoderConfig _config;
    private readonly DenseAutoencoder _network;

    /// <summary>Builds the layers with PyTorch's default initialisation.</summary>
    public WassersteinAutoencoder(WassersteinAutoencoderConfig config)
        : base("wasserstein_autoencoder")
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        _config = config;
        _network = new DenseAutoencoder(config.Network);
        register_module("network", _network);
    }

    /// <inheritdoc />
    public override ModelConfig Config => _config;

    /// <summary>The configuration, typed.</summary>
    public WassersteinAutoencoderConfig WassersteinConfig => _config;

    /// <summary>The deterministic encoder and decoder.</summary>
    public DenseAutoencoder Network => _network;

    /// <inheritdoc />
    public string PriorDescription => FormattableString.Invariant($"the prior N(0, {_config.PriorStd:G3}^2 I)");

    /// <inheritdoc />
    public Tensor SamplePrior(long count, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        using var scope = torch.NewDisposeScope();
        Device device = parameters().First().device;
        return (torch.randn([count, _config.Layers[^1]], generator: generator).to(device) * _config.PriorStd).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override AutoencoderOutput forward(Tensor input) => _network.forward(input);

    /// <inheritdoc />
    public override Tensor Encode(Tensor input) => _network.Encode(input);

    /// <inheritdoc />
    public override Tensor Decode(Tensor code) => _network.Decode(code);
}
