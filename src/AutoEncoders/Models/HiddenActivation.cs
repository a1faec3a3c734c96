using static TorchSharp.torch;

namespace AutoEncoders.Models;

/// <summary>
/// One encoder layer's output as seen in a forward pass, with what penalties need: the activation h = f(z),
/// the pre-activation z, the layer input and, for affine layers, the weight W (z = x W^T + b).
/// </summary>
/// <param name="Name">Layer name, e.g. "encoder.1"; the code layer is also reachable as <see cref="AutoencoderOutput.CodeLayer"/>.</param>
/// <param name="Input">The layer's input x.</param>
/// <param name="PreActivation">z, or null when the layer has no single affine pre-activation.</param>
/// <param name="Output">h = f(z).</param>
/// <param name="Activation">f.</param>
/// <param name="Weight">W [out, in] of an affine layer, or null.</param>
public sealed record HiddenActivation(string Name, Tensor Input, Tensor? PreActivation, Tensor Output, Activation Activation, Tensor? Weight);
