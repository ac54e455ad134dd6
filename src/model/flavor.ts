/** The flavor an instance asks for. */
export interface Flavor {
  readonly vcpus: number;
  readonly memoryMb: number;
  readonly diskGb: number;
}
