/** The `app` contract: what Homeport runs as, and the saved settings it cannot read (with the user's decisions about them). */
export { AppService } from './app-service';
