using AutoEncoders.Models.Dense;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace AutoEncoders.Models.Classification;

/// <summary>
/// A dense encoder followed by a softmax head; forward returns the class logits (softmax is folded into the
/// cross-entropy loss). Built from scratch, or with the encoder copied from a pretrained dense autoencoder and
/// fine-tuned (Hinton and Salakhutdinov, 2006; Vincent et al., 2010, section 7), optionally with its lower
/// layers frozen.
/// </summary>
public sealed class EncoderClassifier : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Linear> _encoder = new();
    private readonly Linear _head;
    private readonly Dropout? _dropout;

    /// <summary>Builds the layers of <paramref name="config"/>.</summary>
    public EncoderClassifier(EncoderClassifierConfig config)
        : base("encoder_classifier")
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        for (int i = 0; i < config.EncoderDepth; i++)
        {
            _encoder.Add(nn.Linear(config.Layers[i], config.Layers[i + 1]));
        }

        _head = nn.Linear(config.Layers[^1], config.Classes);
        if (config.Dropout > 0)
        {
            _dropout = nn.Dropout(config.Dropout);
        }

        register_module("encoder", _encoder);
        register_module("head", _head);
        if (_dropout is not null)
        {
            register_module("dropout", _dropout);
        }
    }

    /// <summary>The configuration it was built from.</summary>
    public EncoderClassifierConfig Config { get; }

    /// <summary>Number of encoder layers below the head.</summary>
    public int EncoderDepth => _encoder.Count;

    /// <summary>Encoder layer <paramref name="i"/> (0 is next to the input).</summary>
    public Linear EncoderLayer(int i) => _encoder[i];

    /// <summary>The softmax head (an affine layer to the logits).</summary>
    public Linear Head => _head;

    /// <summary>Number of parameters.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>Copies the encoder weights of a pretrained model of any kind; only a dense autoencoder's fit (<see cref="EncoderClassifierConfig.ForPretrained"/>).</summary>
    public void LoadEncoder(Autoencoder autoencoder)
    {
        ArgumentNullException.ThrowIfNull(autoencoder);
        LoadEncoder(autoencoder as DenseAutoencoder ?? throw new ArgumentException($"fine-tuning needs a dense autoencoder; this one is {autoencoder.Config.GetType().Name}."));
    }

    /// <summary>Copies the encoder weights of <paramref name="autoencoder"/>, which must have the same sizes.</summary>
    public void LoadEncoder(DenseAutoencoder autoencoder)
    {
        ArgumentNullException.ThrowIfNull(autoencoder);
        var source = (DenseAutoencoderConfig)autoencoder.Config;
        if (!source.Layers.SequenceEqual(Config.Layers))
        {
            throw new ArgumentException($"The autoencoder's encoder is [{string.Join(", ", source.Layers)}] but the classifier's is [{string.Join(", ", Config.Layers)}].");
        }

        if (source.BatchNorm)
        {
            throw new NotSupportedException("Copying an encoder with batch normalisation into a classifier is not supported.");
        }

        using var noGrad = torch.no_grad();
        for (int i = 0; i < EncoderDepth; i++)
        {
            _encoder[i].weight!.copy_(autoencoder.EncoderLayer(i).weight!);
            _encoder[i].bias!.copy_(autoencoder.EncoderLayer(i).bias!);
        }
    }

    /// <summary>
    /// Freezes encoder layers 0 .. <paramref name="layers"/>-1 (requires_grad false); the upper layers and the
    /// head stay trainable. 0 unfreezes everything.
    /// </summary>
    public void FreezeLowerLayers(int layers)
    {
        if (layers < 0 || layers > EncoderDepth)
        {
            throw new ArgumentException($"--freeze: the encoder has {EncoderDepth} layers; freeze between 0 and {EncoderDepth} of them, not {layers}.");
        }

        for (int i = 0; i < EncoderDepth; i++)
        {
            foreach (Parameter p in _encoder[i].parameters())
            {
                p.requires_grad = i >= layers;
            }
        }
    }

    /// <summary>The last hidden layer's output (the code the head sees), [B, Layers[^1]].</summary>
    public Tensor Features(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Tensor h = input.reshape(input.shape[0], -1);
        for (int i = 0; i < EncoderDepth; i++)
        {
            h = ActivationFunction.Apply(Config.EncoderActivation(i), _encoder[i].forward(h));
            if (_dropout is not null)
            {
                h = _dropout.forward(h);
            }
        }

        return h;
    }

    /// <summary>Class logits [B, Classes].</summary>
    public override Tensor forward(Tensor input) => _head.forward(Features(input));
}
