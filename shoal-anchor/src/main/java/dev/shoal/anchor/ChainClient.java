package dev.shoal.anchor;

import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.TransactionException;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * JSON-RPC plumbing: read-only calls, and signed EIP-155 transactions that are simulated first
 * so that a revert surfaces with its reason before any gas is spent. Writes are sent one at a
 * time, so that concurrent callers never reuse a nonce.
 */
final class ChainClient {

  private static final Logger log = LoggerFactory.getLogger(ChainClient.class);

  /** Receipt polling: once a second for up to ten minutes. */
  private static final long RECEIPT_POLL_MILLIS = 1_000;
  private static final int RECEIPT_POLL_ATTEMPTS = 600;

  /** Head-room over the node's gas estimate. */
  private static final BigInteger GAS_MARGIN_PERCENT = BigInteger.valueOf(125);

  private final Web3j web3j;
  private final Credentials credentials;
  private final long chainId;
  private final RawTransactionManager transactions;
  private final PollingTransactionReceiptProcessor receipts;

  private ChainClient(Web3j web3j, Credentials credentials, long chainId) {
    this.web3j = web3j;
    this.credentials = credentials;
    this.chainId = chainId;
    this.transactions = credentials == null ? null : new RawTransactionManager(web3j, credentials, chainId);
    this.receipts = new PollingTransactionReceiptProcessor(web3j, RECEIPT_POLL_MILLIS, RECEIPT_POLL_ATTEMPTS);
  }

  /** Connects and checks that the node serves chain {@code chainId}; without credentials it can only read. */
  static ChainClient connect(Web3j web3j, Credentials credentials, long chainId) {
    if (chainId <= 0) {
      throw new IllegalArgumentException("chain id must be positive, got " + chainId);
    }
    BigInteger reported = send(web3j.ethChainId(), "asking the node for its chain id").getChainId();
    if (reported.compareTo(BigInteger.valueOf(chainId)) != 0) {
      throw new AnchorException("the Ethereum node serves chain id " + reported + " but chain id " + chainId
          + " was configured; configure chain id " + reported + " if that node is the chain you mean");
    }
    return new ChainClient(web3j, credentials, chainId);
  }

  long chainId() {
    return chainId;
  }

  String sender() {
    return credentials == null ? null : credentials.getAddress();
  }

  /** Whether {@code address} holds contract code. */
  boolean hasCode(String address) {
    String code = send(web3j.ethGetCode(address, DefaultBlockParameterName.LATEST), "reading the code at " + address)
        .getCode();
    return code != null && !code.isBlank() && !"0x".equals(code);
  }

  /** Runs a view function and decodes its outputs. */
  @SuppressWarnings("rawtypes")
  List<Type> call(String contract, Function function) {
    String data = FunctionEncoder.encode(function);
    EthCall result = ethCall(contract, data, "calling " + function.getName());
    revertReason(result).ifPresent(reason -> {
      throw new AnchorRejectedException("call " + function.getName(), reason);
    });
    List<Type> values = FunctionReturnDecoder.decode(result.getValue(), function.getOutputParameters());
    if (values.size() != function.getOutputParameters().size()) {
      throw new AnchorException("contract " + contract + " returned no data for " + function.getName()
          + "; is it a ShoalAnchor contract on chain id " + chainId + "?");
    }
    return values;
  }

  /** Deploys {@code bytecode} and returns the new contract's address. */
  String deploy(String bytecode) {
    TransactionReceipt receipt = transact(null, bytecode, "deploying the ShoalAnchor contract");
    if (receipt.getContractAddress() == null) {
      throw new AnchorException("deploy transaction " + receipt.getTransactionHash()
          + " was mined but the node reports no contract address");
    }
    return receipt.getContractAddress();
  }

  /** Simulates, signs, sends and awaits a call of {@code function}; returns the mined receipt. */
  TransactionReceipt transact(String contract, Function function, String what) {
    return transact(contract, FunctionEncoder.encode(function), what);
  }

  private synchronized TransactionReceipt transact(String to, String data, String what) {
    if (transactions == null) {
      throw new IllegalStateException(what + " needs a signing key, but this anchor was opened read-only");
    }
    EthCall simulated = ethCall(to, data, what);
    Optional<String> reason = revertReason(simulated);
    if (reason.isPresent()) {
      throw new AnchorRejectedException(what, reason.get());
    }
    BigInteger gasPrice = send(web3j.ethGasPrice(), "asking for the gas price").getGasPrice();
    BigInteger estimate = send(web3j.ethEstimateGas(
        new Transaction(sender(), null, null, null, to, null, data)), "estimating gas for " + what).getAmountUsed();
    BigInteger gasLimit = estimate.multiply(GAS_MARGIN_PERCENT).divide(BigInteger.valueOf(100));
    EthSendTransaction sent;
    try {
      sent = transactions.sendTransaction(gasPrice, gasLimit, to, data, BigInteger.ZERO, to == null);
    } catch (IOException e) {
      throw unreachable(what, e);
    }
    if (sent.hasError()) {
      String refusal = describe(sent.getError());
      String hint = refusal.contains("insufficient funds")
          ? "; account " + sender() + " needs ether on chain id " + chainId + " to pay for gas" : "";
      throw new AnchorException(what + " failed: the node refused the transaction: " + refusal + hint);
    }
    String hash = sent.getTransactionHash();
    TransactionReceipt receipt;
    try {
      receipt = receipts.waitForTransactionReceipt(hash);
    } catch (IOException e) {
      throw unreachable("waiting for transaction " + hash, e);
    } catch (TransactionException e) {
      throw new AnchorException("transaction " + hash + " (" + what + ") was sent but no receipt came within "
          + RECEIPT_POLL_ATTEMPTS * RECEIPT_POLL_MILLIS / 1000 + " s; look it up on the chain before retrying", e);
    }
    if (!receipt.isStatusOK()) {
      String why = Optional.ofNullable(receipt.getRevertReason()).orElse("status " + receipt.getStatus());
      throw new AnchorRejectedException(what + " (transaction " + hash + ")", why);
    }
    log.debug("transaction mined what=\"{}\" tx={} block={} gas_used={}", what, hash, receipt.getBlockNumber(),
        receipt.getGasUsed());
    return receipt;
  }

  private EthCall ethCall(String to, String data, String what) {
    Request<?, EthCall> request = web3j.ethCall(
        Transaction.createEthCallTransaction(sender(), to, data), DefaultBlockParameterName.LATEST);
    try {
      return request.send();
    } catch (IOException e) {
      throw unreachable(what, e);
    }
  }

  private static Optional<String> revertReason(EthCall result) {
    if (result.hasError()) {
      Response.Error error = result.getError();
      return Optional.of(RevertReason.decode(error.getData()).orElse(describe(error)));
    }
    String value = result.getValue();
    return RevertReason.decode(value);
  }

  private static <T extends Response<?>> T send(Request<?, T> request, String what) {
    T response;
    try {
      response = request.send();
    } catch (IOException e) {
      throw unreachable(what, e);
    }
    if (response.hasError()) {
      throw new AnchorException(what + " failed: " + describe(response.getError()));
    }
    return response;
  }

  private static String describe(Response.Error error) {
    return error.getMessage() + " (JSON-RPC error " + error.getCode() + ")";
  }

  private static AnchorException unreachable(String what, IOException e) {
    return new AnchorException("cannot reach the Ethereum JSON-RPC node while " + what + ": " + e
        + "; check that the node is running and that the RPC URL is right", e);
  }
}
